"""examples/breaker.yaml tells the story the README tells (one replication, ~1 s each)."""

from __future__ import annotations

from pathlib import Path

import pytest

from asyncsim.commands.common import load
from asyncsim.commands.run import run_scenario

EXAMPLE = Path(__file__).parents[2] / "src" / "asyncsim" / "examples" / "breaker.yaml"


@pytest.fixture(scope="module")
def values() -> dict[str, dict[str, float]]:
    output = run_scenario(load(EXAMPLE, ["replications=1"]), None, jobs=1)
    return {name: {key: entry["mean"] for key, entry in strategy["values"].items()}
            for name, strategy in output.summary["strategies"].items()}


def test_every_breaker_shields_the_dead_backend(values: dict[str, dict[str, float]]) -> None:
    unprotected = values["no-breaker"]["fault_backend_load"]
    assert unprotected == pytest.approx(50, rel=0.1)          # all the traffic
    for name in ("resilience4j", "resilience4j-10s", "pybreaker", "polly-8"):
        assert values[name]["fault_backend_load"] < unprotected / 10


def test_long_open_times_recover_late_short_ones_flap(
        values: dict[str, dict[str, float]]) -> None:
    for slow in ("resilience4j", "pybreaker"):              # 60 s open
        assert values[slow]["breaker_recovery"] > 10
        assert values[slow]["breaker_transitions{kind:reopen}"] == 0
    for fast in ("resilience4j-10s", "polly-8"):            # 10 s and 5 s open
        assert values[fast]["breaker_recovery"] < 10
        assert values[fast]["breaker_transitions{kind:reopen}"] >= 3
    assert values["polly-8"]["breaker_transitions{kind:reopen}"] > values[
        "resilience4j-10s"]["breaker_transitions{kind:reopen}"]
    assert values["no-breaker"]["breaker_recovery"] == 0


def test_refusing_users_after_the_outage_costs_successes(
        values: dict[str, dict[str, float]]) -> None:
    assert values["resilience4j"]["success_rate"] < values["polly-8"]["success_rate"] \
        < values["no-breaker"]["success_rate"]
