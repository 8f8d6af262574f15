"""Every bundled example validates and runs end to end (one replication, to stay fast)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asyncsim.cli import cli

runner = CliRunner()
EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(example: Path, tmp_path: Path) -> None:
    assert runner.invoke(cli, ["validate", str(example)]).exit_code == 0
    result = runner.invoke(cli, ["run", str(example), "--out", str(tmp_path), "-q",
                                 "--replications", "1"])
    assert result.exit_code in (0, 99), result.output  # 99: an example may show a failing gate
    summary = json.loads((tmp_path / "summary.json").read_text())
    for name, strategy in summary["strategies"].items():
        assert strategy["values"]["requests"]["mean"] > 0, name


HAR_EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "har").glob("*.yaml"))


@pytest.mark.parametrize("example", HAR_EXAMPLES, ids=[p.stem for p in HAR_EXAMPLES])
def test_generated_har_example_runs(example: Path, tmp_path: Path) -> None:
    """The scenarios `asyncsim import har` wrote for the HAR fixtures run, every strategy."""
    result = runner.invoke(cli, ["run", str(example), "--out", str(tmp_path), "-q",
                                 "--replications", "1", "--set", "duration=20s"])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert set(summary["strategies"]) == {"as-recorded", "all-parallel", "cached"}
    for name, strategy in summary["strategies"].items():
        assert strategy["values"]["requests"]["mean"] > 0, name


def test_the_bundled_trace_is_what_its_script_makes() -> None:
    """examples/trace-replay.csv is generated, not hand-edited (tools/make_trace_example.py)."""
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("make_trace", root / "tools" /
                                                  "make_trace_example.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (root / "examples" / "trace-replay.csv").read_text() == module.trace_rows()
