"""examples/tipping-point.yaml: explore brackets the drop duration where P(metastable)
crosses 50%, and runs at other seeds on either side of the bracket agree."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

from typer.testing import CliRunner

from asyncsim.cli import cli
from asyncsim.commands.common import load, recovery_settings
from asyncsim.reports.reduction import reduce_run
from asyncsim.reports.stats import wilson_ci95
from asyncsim.runner import run_experiment
from asyncsim.scenarios.build import simulation_spec, strategy_specs

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tipping-point.yaml"
FOR = "backends.api.faults.0.for"
CHECK_SEED, CHECK_REPLICATIONS = 1001, 20


def metastable_share(duration_s: float) -> tuple[float, float, float]:
    """P(metastable) of the immediate strategy with a drop of ``duration_s``, at a seed
    explore never used: (share, Wilson low, Wilson high)."""
    loaded = load(EXAMPLE, [f"{FOR}={duration_s:g}s", f"seed={CHECK_SEED}"])
    immediate = [s for s in strategy_specs(loaded.scenario) if s.name == "immediate"]
    runs = run_experiment(simulation_spec(loaded.scenario), immediate, CHECK_REPLICATIONS,
                          partial(reduce_run, recovery=recovery_settings(loaded.scenario)))
    return wilson_ci95([run.values["metastable"] for run in runs])


def test_explore_brackets_the_crossing(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [
        "explore", str(EXAMPLE), "--vary", f"{FOR}=2s..14s", "--strategies", "immediate",
        "--replications", "10", "--max-replications", "20", "--tolerance", "2s",
        "-o", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    found = json.loads((tmp_path / "explore.json").read_text())["results"]["immediate"]
    bracket = found["bracket"]
    assert bracket is not None and bracket["yes_above"], found["verdict"]
    assert bracket["width"] <= 2 and found["stopped"] == "tolerance"
    low_s, high_s = bracket["low"], bracket["high"]
    # A second away on either side, P(metastable) is on the side the bracket says ...
    assert metastable_share(low_s - 1)[0] < 0.5 < metastable_share(high_s + 1)[0]
    # ... and at the bracket's ends, other seeds do not contradict it significantly.
    assert metastable_share(low_s)[1] < 0.5 < metastable_share(high_s)[2]
