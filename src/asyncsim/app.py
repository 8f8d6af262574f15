"""What the commands do, without the terminal: load, run, reduce, write.

cli.py parses arguments and prints; this module is the glue between the scenario
language, the runner and the reports, so it can be called from Python and tests too.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from asyncsim.reports.abort import stop_check
from asyncsim.reports.baseline import parse_compare_fail
from asyncsim.reports.gates import Gates, Verdict, judge
from asyncsim.reports.junit import junit_xml
from asyncsim.reports.markdown import markdown_summary
from asyncsim.reports.summary import RunPerformance, RunSummary, reduce_run
from asyncsim.reports.summary_json import build_summary, read_summary
from asyncsim.reports.thresholds import (
    Stop,
    Threshold,
    ThresholdError,
    parse_threshold,
    split_cli_threshold,
)
from asyncsim.reports.writers import dumps, write_atomic
from asyncsim.runner import Executor, Progress, run_experiment
from asyncsim.scenarios.build import simulation_spec, strategy_specs
from asyncsim.scenarios.load import LoadedScenario, load_scenario
from asyncsim.scenarios.models import Scenario
from asyncsim.scenarios.thresholds import known_tag_values, scenario_thresholds
from asyncsim.scenarios.yaml_io import Problem, ScenarioError


@dataclass
class RunOutput:
    scenario: Scenario
    summary: dict[str, Any]
    runs: list[RunSummary]
    wall_s: float
    out_dir: Path | None
    verdict: Verdict = field(default_factory=Verdict)

    @property
    def performance(self) -> list[RunPerformance]:
        return [r.performance for r in self.runs]

    @property
    def strategy_order(self) -> list[str]:
        return list(self.scenario.strategies)


def default_out_dir(scenario: Scenario) -> Path:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", scenario.name).strip("-.") or "scenario"
    return Path("asyncsim-out") / slug


def scenario_meta(scenario: Scenario) -> dict[str, Any]:
    return {"name": scenario.name, "description": scenario.description, "seed": scenario.seed,
            "duration_s": scenario.duration, "warmup_s": scenario.warmup,
            "replications": scenario.replications}


def load(path: Path, overrides: Sequence[str] = ()) -> LoadedScenario:
    return load_scenario(path, overrides)


def run(loaded: LoadedScenario, out_dir: Path | None, jobs: int | None = None,
        executor: Executor = "local", scheduler: str | None = None,
        progress: Progress | None = None,
        on_progress_start: Callable[[int], None] | None = None,
        gates: Gates | None = None) -> RunOutput:
    """Run every strategy and replication, judge the gates (default: the scenario's
    thresholds); write summary.json, with the verdict, when ``out_dir`` is given."""
    scenario = loaded.scenario
    gates = run_gates(loaded) if gates is None else gates
    strategies = strategy_specs(scenario)
    if on_progress_start:
        on_progress_start(len(strategies) * scenario.replications)
    spec = simulation_spec(scenario)
    spec = replace(spec, stop_check=stop_check(gates.thresholds, spec.duration_s,
                                               spec.warmup_s))
    started = time.perf_counter()
    runs = run_experiment(spec, strategies, scenario.replications,
                          partial(reduce_run, extra_percentiles=gates.extra_percentiles),
                          jobs=jobs, executor=executor, scheduler=scheduler,
                          progress=progress)
    wall_s = time.perf_counter() - started
    summary = build_summary(scenario_meta(scenario), runs)
    stops = [Stop(r.strategy, r.replication, r.stopped_at_s, r.stop_reason or "")
             for r in runs if r.stopped_at_s is not None]
    verdict = judge(gates, summary, stops)
    summary.update(verdict.sections())
    if out_dir is not None:
        write_atomic(out_dir / "summary.json", dumps(summary))
    return RunOutput(scenario, summary, runs, wall_s, out_dir, verdict)


# ----------------------------------------------------------------------------- gates


def run_gates(loaded: LoadedScenario, thresholds: Sequence[str] = (),
              baseline: Path | None = None, compare_fail: Sequence[str] = ()) -> Gates:
    """The scenario's thresholds plus the command line's, and the baseline rules.

    Called before running so a typo or an unreadable baseline fails in a second, not
    after the simulation.
    """
    scenario = loaded.scenario
    return _gates(thresholds, compare_fail, baseline, known_tag_values(scenario),
                  scenario_thresholds(scenario))


def _gates(thresholds: Sequence[str], compare_fail: Sequence[str], baseline: Path | None,
           known: Mapping[str, Iterable[str]], first: Sequence[Threshold] = ()) -> Gates:
    """Parse ``--threshold`` and ``--compare-fail`` options; every problem at once."""
    problems: list[Problem] = []
    parsed = list(first)
    for text in thresholds:
        try:
            target, expression, offset = split_cli_threshold(text)
            parsed.append(parse_threshold(target, expression, known))
        except ThresholdError as err:
            col = err.offset + (offset if err.part == "expression" else 0) + 1
            problems.append(Problem(f"<--threshold {text}>", 1, col, "", err.message))
    rules = []
    for text in compare_fail:
        try:
            rules.append(parse_compare_fail(text))
        except ThresholdError as err:
            problems.append(Problem(f"<--compare-fail {text}>", 1, err.offset + 1, "",
                                    err.message))
    if problems:
        raise ScenarioError(problems)
    return Gates(tuple(parsed), tuple(rules),
                 read_summary(baseline) if baseline is not None else None)


def known_in_summary(summary: Mapping[str, Any]) -> dict[str, list[str]]:
    """The strategies and backends a summary.json has values for (for ``check``)."""
    backends = {m.group(1) for s in summary["strategies"].values() for key in s["values"]
                for m in re.finditer(r"\{backend:([^}]+)\}", key)}
    return {"strategy": sorted(summary["strategies"]), "backend": sorted(backends)}


def check(current: Path, baseline: Path | None = None, compare_fail: Sequence[str] = (),
          thresholds: Sequence[str] = ()) -> tuple[dict[str, Any], Verdict]:
    """Judge an existing summary.json: thresholds on its values, rules against a baseline."""
    summary = read_summary(current)
    gates = _gates(thresholds, compare_fail, baseline, known_in_summary(summary))
    stopped = summary.get("thresholds", {}).get("stopped_early", [])
    stops = [Stop(s["strategy"], s["replication"], s["sim_time_s"], s["threshold"])
             for s in stopped]
    return summary, judge(gates, summary, stops)


def write_ci_reports(verdict: Verdict, summary: Mapping[str, Any], junit: Path | None = None,
                     markdown: Path | None = None) -> None:
    if junit is not None:
        write_atomic(junit, junit_xml(verdict, summary["scenario"]))
    if markdown is not None:
        write_atomic(markdown, markdown_summary(verdict, summary))
