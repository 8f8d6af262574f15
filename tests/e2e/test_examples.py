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
