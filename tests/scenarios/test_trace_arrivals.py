"""``arrivals: {trace: ...}`` in the scenario language: composes with every unit of work
that arrives (requests, page views, hovers, reading sessions), and a bad trace is a
validation problem at the trace node that names the file's line and record."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.scenarios.build import simulation_spec, strategy_specs
from asyncsim.scenarios.load import validate_tree
from asyncsim.scenarios.problems import ScenarioError
from asyncsim.scenarios.yaml.reading import load_yaml_file
from asyncsim.sim.simulation import Simulation
from asyncsim.sim.workload.logs.columns import SessionLog, ViewLog
from tests.helpers import loaded_from_yaml
from tests.validation.trace_files import zipf_poisson_trace

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "asyncsim" / "examples"


def _with_trace(example: str, trace: Path) -> object:
    tree = load_yaml_file(EXAMPLES / f"{example}.yaml")
    tree["duration"], tree["warmup"], tree["replications"] = "8s", "0s", 1
    for backend in tree["backends"].values():
        backend.pop("faults", None)  # the examples' faults come after 8s
    tree["workload"].pop("closed", None)
    tree["workload"]["arrivals"] = {"trace": {"file": str(trace), "time": "ts", "key": "path"}}
    scenario = validate_tree(tree, example, metrics=REGISTRY).scenario
    first = strategy_specs(scenario)[0]
    return Simulation(simulation_spec(scenario), first, 0).run()


@pytest.mark.parametrize(("example", "log"), [("dashboard", ViewLog), ("waterfall", ViewLog),
                                              ("feed-pagination", SessionLog),
                                              ("prefetch", None), ("quickstart", None)])
def test_a_trace_drives_every_arriving_unit(tmp_path: Path, example: str,
                                            log: type | None) -> None:
    trace = tmp_path / "access.csv"
    times = zipf_poisson_trace(trace, rate_per_s=3, span_s=20, keys=4, alpha=1.0)
    result = _with_trace(example, trace)
    started = times[times < 8.0]
    if log is ViewLog:  # a view per record, at the record's time
        views = result.logs[ViewLog].columns()  # type: ignore[attr-defined]
        np.testing.assert_allclose(np.sort(views["t_start_s"]), started, atol=1e-9)
    elif log is SessionLog:  # sessions are logged when they end: those begun by a record
        sessions = result.logs[SessionLog].columns()  # type: ignore[attr-defined]
        assert set(np.round(sessions["t_start_s"], 9)) <= set(np.round(started, 9))
    else:
        first = result.requests["t_start_s"]  # type: ignore[attr-defined]
        assert len(first) > 0 and first.min() >= started[0] - 1e-9


def _problems(tmp_path: Path, csv: str, extra: str = "") -> list[str]:
    (tmp_path / "access.csv").write_text(csv)
    text = f"""
name: t
duration: 10s
backends: {{api: {{latency: 1ms}}}}
workload:
  target: api
  arrivals:
    trace: {{file: {tmp_path / 'access.csv'}, time: ts, key: path{extra}}}
"""
    with pytest.raises(ScenarioError) as caught:
        loaded_from_yaml(text)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(("csv", "extra", "expected"), [
    ("ts,path\n1,/a\n0.5,/b\n", "", "access.csv:3: record 1: timestamps are not sorted"),
    ("ts,url\n1,/a\n", "", "access.csv:1: no column 'path'"),
    ("ts,path\n1,/a\nnan,/b\n", "", "access.csv:3: record 1: timestamp in column 'ts' is NaN"),
    ("ts,path\n1,/a\nsoon,/b\n", "", "access.csv:3: record 1: timestamp 'soon'"),
    ("", "", "access.csv: the file is empty"),
    ("ts,path\n1,/a\n", ", time_scale: 0", "time_scale"),
])
def test_a_bad_trace_is_a_located_problem(tmp_path: Path, csv: str, extra: str,
                                          expected: str) -> None:
    (problem,) = _problems(tmp_path, csv, extra)
    assert problem.startswith("test.yaml:8:") and ": workload.arrivals.trace" in problem
    assert expected in problem


def test_sort_accepts_an_unsorted_trace(tmp_path: Path) -> None:
    (tmp_path / "access.csv").write_text("ts,path\n1,/a\n0.5,/b\n2,/a\n")
    loaded = loaded_from_yaml(f"""
name: t
duration: 10s
backends: {{api: {{latency: 1ms}}}}
workload:
  target: api
  arrivals: {{trace: {{file: {tmp_path / 'access.csv'}, time: ts, key: path, sort: true}}}}
""")
    trace = loaded.scenario.workload.arrivals.trace  # type: ignore[union-attr]
    assert trace is not None and trace.trace.reordered == 2
    assert trace.trace.times.tolist() == [0.0, 0.5, 1.5]


def test_stages_do_not_apply_to_a_trace(tmp_path: Path) -> None:
    (tmp_path / "access.csv").write_text("ts,path\n0,/a\n1,/b\n")
    with pytest.raises(ScenarioError, match="a trace sets its own rate"):
        loaded_from_yaml(f"""
name: t
duration: 10s
backends: {{api: {{latency: 1ms}}}}
workload:
  target: api
  arrivals:
    trace: {{file: {tmp_path / 'access.csv'}, time: ts, key: path}}
    stages: [{{for: 1s, to: 2/s}}]
""")
