"""examples/capacity.yaml tells its story: 8 workers drown, 12 queue, 16 keep the tail."""

from __future__ import annotations

from pathlib import Path

from asyncsim.commands.common import load
from asyncsim.commands.run import run_scenario

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "capacity.yaml"


def test_the_capacity_example_shows_what_its_comments_say() -> None:
    output = run_scenario(load(EXAMPLE, ["replications=1", "duration=2m"]), None, jobs=1)
    values = {name: {k: v["mean"] for k, v in s["values"].items()}
              for name, s in output.summary["strategies"].items()}
    eight, twelve, sixteen = (values[f"workers-{n}"] for n in (8, 12, 16))
    assert eight["requests"] == twelve["requests"] == sixteen["requests"]  # same arrivals
    assert eight["error_rate"] > 0.15 and twelve["error_rate"] == sixteen["error_rate"] == 0
    assert 0.8 < twelve["backend_utilisation{backend:api}"] < 0.9
    assert 0.58 < sixteen["backend_utilisation{backend:api}"] < 0.7
    assert eight["latency.p(99)"] > 3 * twelve["latency.p(99)"] > 3 * sixteen["latency.p(99)"]
    assert twelve["wait_share{backend:api}"] > 5 * sixteen["wait_share{backend:api}"]
