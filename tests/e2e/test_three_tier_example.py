"""examples/three-tier-retries.yaml tells its story: retries at every tier multiply the
database's load; at the edge only or under budgets they do not."""

from __future__ import annotations

from pathlib import Path

from asyncsim.commands.common import load
from asyncsim.commands.run import run_scenario

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "three-tier-retries.yaml"


def test_the_three_tier_example_shows_what_its_comments_say() -> None:
    output = run_scenario(load(EXAMPLE, ["replications=1"]), None, jobs=1)
    values = {name: {k: v["mean"] for k, v in s["values"].items()}
              for name, s in output.summary["strategies"].items()}
    per_request = {name: v["backend_calls{backend:db}"] / v["requests"]
                   for name, v in values.items()}
    assert per_request["every-tier"] > 4
    assert 1.3 < per_request["edge-only"] < 2.5
    assert per_request["budgets"] < 1.5
    success = {name: v["success_rate"] for name, v in values.items()}
    assert success["every-tier"] < success["edge-only"] < success["budgets"]
    for v in values.values():                     # every strategy recovers after the brownout
        assert v["goodput_end"] > 40
