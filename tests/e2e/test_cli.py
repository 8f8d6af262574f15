"""The command line: exit codes, outputs, and that nothing half-written is left behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asyncsim import __version__
from asyncsim.cli import cli
from asyncsim.commands import run as run_command
from tests.helpers import MINIMAL

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL + "strategies:\n  plain: []\n  timeout:\n    - timeout: 15ms\n")
    return path


def test_version() -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"asyncsim {__version__}"


def test_no_arguments_shows_help_and_usage_errors_exit_2() -> None:
    assert "run" in runner.invoke(cli, []).output
    assert runner.invoke(cli, ["frobnicate"]).exit_code == 2
    assert runner.invoke(cli, ["run"]).exit_code == 2
    assert runner.invoke(cli, ["run", "x.yaml", "--jobs", "0"]).exit_code == 2


def test_run_writes_a_versioned_summary_and_prints_strategies_side_by_side(
        scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(cli, ["run", str(scenario), "--out", str(out), "-q", "--details"])
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if line.startswith("objective"))
    assert header.split() == ["objective", "plain", "timeout"]
    header = next(line for line in result.output.splitlines() if line.startswith("metric"))
    assert header.split() == ["metric", "plain", "timeout"]
    assert "simulated requests" in result.output and "SimPy events" in result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["schema"] == "asyncsim.summary/1"
    assert set(summary["strategies"]) == {"plain", "timeout"}
    plain = summary["strategies"]["plain"]["values"]
    # 10/s Poisson for 100 s: about 1,000 requests; every one succeeds without layers.
    assert 850 < plain["requests"]["mean"] < 1150
    assert plain["success_rate"]["mean"] == 1.0
    timed_out = summary["strategies"]["timeout"]["values"]["errors_by_kind{kind:timeout}"]["mean"]
    assert 0.05 < timed_out < 0.5
    assert summary["metrics"]["latency"]["unit"] == "s"


def test_set_and_replication_overrides(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    result = runner.invoke(cli, ["run", str(scenario), "-o", str(out), "-q", "--replications", "3",
                                 "--set", "workload.arrivals.poisson=20/s"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"]["replications"] == 3
    assert len(summary["strategies"]["plain"]["replications"]["requests"]) == 3
    assert 1700 < summary["strategies"]["plain"]["values"]["requests"]["mean"] < 2300


def test_interrupt_exits_130_and_leaves_no_report(
        scenario: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(run_command, "run_experiment", interrupted)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["run", str(scenario), "--out", str(out)])
    assert result.exit_code == 130
    assert not (out / "summary.json").exists()


def test_internal_error_exits_1_without_traceback(
        scenario: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(run_command, "run_experiment", broken)
    result = runner.invoke(cli, ["run", str(scenario), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "internal error: ZeroDivisionError: boom" in result.output
    assert "Traceback" not in result.output


def test_schema_is_json_schema_and_matches_the_committed_file() -> None:
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "backends" in schema["properties"] and "strategies" in schema["properties"]
    committed = (REPO / "asyncsim.schema.json").read_text()
    assert json.loads(committed) == schema, "run: asyncsim schema --out asyncsim.schema.json"


def test_examples_and_init(tmp_path: Path) -> None:
    listed = runner.invoke(cli, ["examples"])
    assert listed.exit_code == 0 and "quickstart" in listed.output
    made = runner.invoke(cli, ["init", "quickstart", str(tmp_path)])
    assert made.exit_code == 0
    copied = (tmp_path / "quickstart.yaml").read_text()
    original = (REPO / "examples" / "quickstart.yaml").read_text()
    # The modeline points at a schema that exists where the copy lands.
    assert copied == original.replace("$schema=../asyncsim.schema.json",
                                      "$schema=asyncsim.schema.json")
    schema = tmp_path / "asyncsim.schema.json"
    assert json.loads(schema.read_text()) == json.loads(
        (REPO / "asyncsim.schema.json").read_text())
    assert runner.invoke(cli, ["init", "quickstart", str(tmp_path)]).exit_code == 2
    assert runner.invoke(cli, ["init", "nope", str(tmp_path)]).exit_code == 2


def test_init_copies_the_trace_an_example_replays(tmp_path: Path) -> None:
    assert runner.invoke(cli, ["init", "trace-replay", str(tmp_path)]).exit_code == 0
    assert (tmp_path / "trace-replay.csv").read_text() == (
        REPO / "examples" / "trace-replay.csv").read_text()
    assert runner.invoke(cli, ["validate", str(tmp_path / "trace-replay.yaml")]).exit_code == 0


def test_every_example_starts_with_a_story_and_the_schema_modeline() -> None:
    for path in sorted((REPO / "examples").glob("*.yaml")):
        lines = path.read_text().splitlines()
        assert lines[0].startswith("# ") and len(lines[0]) > 20, path.name
        assert lines[1] == "# yaml-language-server: $schema=../asyncsim.schema.json", path.name


@pytest.mark.parametrize("replications, marked", [(1, False), (3, True)])
def test_best_marks_need_a_test(scenario: Path, tmp_path: Path, replications: int,
                                marked: bool) -> None:
    """A 'best' mark in the terminal needs replications to test against: with one, noise
    is not measured and nothing is marked (as in the HTML report)."""
    result = runner.invoke(cli, ["run", str(scenario), "--out", str(tmp_path / "o"), "-q",
                                 "--replications", str(replications)])
    assert result.exit_code == 0, result.output
    table = result.output.split("OBJECTIVES", 1)[1].split("RUN", 1)[0]
    error_row = next(line for line in table.splitlines() if line.startswith("error_rate"))
    # plain never errs; a 15 ms timeout on 10 ms exponential service errs about 1 in 5
    assert ("* 0%" in error_row) is marked, table
