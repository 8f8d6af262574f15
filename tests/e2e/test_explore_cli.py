"""``asyncsim explore`` from the command line: bad input refused before anything runs,
a bisection and a map on a tiny scenario, and byte-identical output whatever --jobs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asyncsim.cli import cli
from tests.reports import scenarios

runner = CliRunner()

TINY = """\
version: 1
name: tiny-tip
seed: 1
duration: 20s
warmup: 2s
replications: 2
backends:
  api:
    workers: 2
    latency: {exponential: 50ms}
    faults:
      - {kind: capacity_drop, at: 5s, for: 3s, workers: 1}
workload:
  target: api
  users: 100
  arrivals: {poisson: 30/s}
recovery: {hold: 3s}
strategies:
  immediate:
    - retry: {max_attempts: 3, backoff: none}
    - timeout: 500ms
"""
FOR = "backends.api.faults.0.for"


def invoke(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return scenarios.write(tmp_path, TINY, "tiny.yaml")


@pytest.mark.parametrize(("args", "says"), [
    (["--vary", "backends.api.faults.0.fr=1s..8s"],
     "<--vary backends.api.faults.0.fr=1s..8s>:1:23: backends.api.faults.0.fr: unknown "
     "field 'fr' (did you mean 'for'?"),
    (["--vary", "backends.apj.workers=1..3"], "no backend 'apj' (did you mean 'api'?)"),
    (["--vary", f"{FOR}=short..long"], "both ends of a range must be numbers"),
    (["--vary", f"{FOR}=8s..1s"], "the low end must be below the high end (got 8s .. 1s)"),
    (["--vary", f"{FOR}=3s..3s"], "the low end must be below the high end"),
    (["--vary", f"{FOR}=1s,2s,4s"], "expected PATH=LOW..HIGH, a numeric range"),
    (["--vary", f"{FOR}=1s..8s", "--max-runs", "3"],
     "the budget of 3 runs cannot pay for the range's two ends (20 runs)"),
    (["--vary", f"{FOR}=1s..8s", "--vary", "workload.arrivals.poisson=20/s..40/s",
      "--steps", "3", "--max-runs", "50"],
     "cannot pay for a map of 9 points (90 runs)"),
    (["--vary", f"{FOR}=1s..8s", "--max-requests", "1000"],
     "the budget of 1e+03 simulated requests cannot pay for the range's two ends"),
    (["--vary", f"{FOR}=1s..8s", "--outcome", "metastabel"],
     "<--outcome metastabel>:1:1: no metric 'metastabel' (did you mean 'metastable'?"),
    (["--vary", f"{FOR}=1s..8s", "--outcome", "goodput"], "is not yes or no per run"),
    (["--vary", f"{FOR}=1s..8s", "--outcome", "recovery_time: max <"], "<--outcome"),
    (["--vary", f"{FOR}=1s..8s", "--tolerance", "0s"],
     "<--tolerance 0s>:1:1: the tolerance must be above zero"),
    (["--vary", f"{FOR}=1s..8s", "--tolerance", "5/s"],
     "expected a duration such as 1s, in the unit of backends.api.faults.0.for"),
    (["--vary", f"{FOR}=1s..8s", "--vary", "workload.users=1..2", "--vary", "seed=1..2"],
     "give one --vary (the tipping point) or two (a map)"),
])
def test_bad_input_exits_104_and_runs_nothing(tiny: Path, tmp_path: Path, args: list[str],
                                              says: str) -> None:
    code, text = invoke("explore", tiny, *args, "--replications", "10", "-o",
                        tmp_path / "ex", "-q")
    assert code == 104, text
    assert says in " ".join(text.split()), text
    assert "Traceback" not in text and not (tmp_path / "ex").exists()


def test_an_outcome_after_a_fault_needs_a_fault(tmp_path: Path) -> None:
    path = scenarios.write(tmp_path, TINY.replace(
        "    faults:\n      - {kind: capacity_drop, at: 5s, for: 3s, workers: 1}\n", ""))
    code, text = invoke("explore", path, "--vary", "workload.arrivals.poisson=10/s..50/s",
                        "-o", tmp_path / "ex", "-q")
    assert code == 104 and "is measured after a fault, and the scenario has none" in text
    assert not (tmp_path / "ex").exists()


def test_bisection_writes_json_and_trace_and_is_deterministic(tiny: Path,
                                                              tmp_path: Path) -> None:
    args = ["--vary", "workload.arrivals.poisson=5/s..30/s", "--replications", "4",
            "--max-replications", "4", "--tolerance", "12.5/s", "-q"]
    code, text = invoke("explore", tiny, *args, "-o", tmp_path / "a", "-j", "1")
    assert code == 0, text
    assert "█ EXPLORE bisection · P(metastable) · 12 runs" in text
    document = json.loads((tmp_path / "a" / "explore.json").read_text())
    found = document["results"]["immediate"]
    assert document["schema"] == "asyncsim.explore/1" and document["spent"]["runs"] == 12
    assert [p["text"] for p in found["points"]] == ["5/s", "17.5/s", "30/s"]
    assert all(p["runs"] == 4 for p in found["points"])
    assert found["stopped"] == "tolerance" and found["bracket"]["width"] == 12.5
    page = (tmp_path / "a" / "explore.html").read_text(encoding="utf-8")
    assert "Where it tips" in page and "P(metastable)" in page
    code, text = invoke("explore", tiny, *args, "-o", tmp_path / "b", "-j", "2")
    assert code == 0, text
    assert ((tmp_path / "a" / "explore.json").read_bytes()
            == (tmp_path / "b" / "explore.json").read_bytes())


def test_a_map_of_two_parameters_draws_a_heat_map(tiny: Path, tmp_path: Path) -> None:
    code, text = invoke("explore", tiny, "--vary", f"{FOR}=1s..8s", "--vary",
                        "workload.arrivals.poisson=10/s..30/s", "--steps", "2",
                        "--replications", "2", "--outcome", "recovery_time: max < 5s",
                        "-o", tmp_path / "map", "-q", "-j", "1")
    assert code == 0, text
    document = json.loads((tmp_path / "map" / "explore.json").read_text())
    cells = document["results"]["immediate"]["cells"]
    assert document["mode"] == "map" and len(cells) == 4
    assert [c["texts"] for c in cells] == [["1s", "10/s"], ["1s", "30/s"], ["8s", "10/s"],
                                          ["8s", "30/s"]]
    assert all(c["runs"] == 2 and 0 <= c["p"] <= 1 for c in cells)
    assert document["outcome_label"] == "fails 'recovery_time: max < 5s'"
    assert '"type":"heatmap"' in (tmp_path / "map" / "explore.html").read_text()


def test_a_budget_short_of_the_tolerance_says_so_and_stops(tiny: Path,
                                                           tmp_path: Path) -> None:
    code, text = invoke("explore", tiny, "--vary", f"{FOR}=1s..9s", "--replications", "2",
                        "--max-replications", "2", "--tolerance", "0.1s", "--max-runs", "5",
                        "-o", tmp_path / "ex", "-q", "-j", "1")
    assert code == 0, text
    # 8s halved 7 times is 62.5ms <= 100ms: the two ends and 7 midpoints, 2 runs each.
    assert "the budget cannot reach the tolerance 100ms: that needs at least 18 runs" in text
    document = json.loads((tmp_path / "ex" / "explore.json").read_text())
    assert document["spent"]["runs"] == 4
    assert document["results"]["immediate"]["stopped"] in ("budget", "no crossing")


def test_names_from_the_scenario_cannot_inject_markup(tmp_path: Path) -> None:
    path = scenarios.write(tmp_path, scenarios.HOSTILE)
    code, text = invoke("explore", path, "--vary", "workload.arrivals.poisson=10/s..40/s",
                        "--replications", "1", "--max-replications", "1", "--tolerance",
                        "30/s", "--plotly-js", "cdn", "-o", tmp_path / "ex", "-q", "-j", "1")
    assert code == 0, text
    page = (tmp_path / "ex" / "explore.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
