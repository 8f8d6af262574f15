"""Fan-out steps and tied requests as written: they reach the model, and bad ones exit 104
at the field to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from asyncsim.scenarios.build import simulation_spec
from asyncsim.sim.fanout import FanOutSpec
from tests.helpers import scenario_from_yaml, validate_rejects

FANOUT = """
version: 1
name: fanout
duration: 10s
backends:
  root:
    latency: 1ms
    calls:
      - fanout: {backend: leaf, n: 20, wait: WAIT, layers: [{hedge: 10ms}, {tied: 1ms}]}
  leaf:
    latency: 1ms
workload:
  target: root
  arrivals: {poisson: 10/s}
"""


@pytest.mark.parametrize(("wait", "k"), [("all", 20), ("first", 1), ("5", 5), ("20", 20)])
def test_wait_becomes_k(wait: str, k: int) -> None:
    spec = simulation_spec(scenario_from_yaml(FANOUT.replace("WAIT", wait)))
    step = spec.backends[0].steps[0]
    assert len(step) == 1 and isinstance(step[0], FanOutSpec)
    assert (step[0].target, step[0].n, step[0].k) == ("leaf", 20, k)
    assert [layer.kind for layer in step[0].layers] == ["hedge", "tied"]


BAD = {
    "k over n": (FANOUT.replace("WAIT", "21"), 9, 46,
                 "the fan-out waits for 21 leaves but calls only n = 20 (allowed: all, first, "
                 "or 1..20)"),
    "tied not innermost": (FANOUT.replace("WAIT", "all").replace(
        "[{hedge: 10ms}, {tied: 1ms}]", "[{tied: 1ms}, {hedge: 10ms}]"), 9, 67,
        "tied must be the innermost layer"),
    "unknown leaf": (FANOUT.replace("WAIT", "all").replace("backend: leaf", "backend: leaff"),
                     9, 27, "unknown backend 'leaff' (did you mean 'leaf'?"),
    "n zero": (FANOUT.replace("WAIT", "all").replace("n: 20", "n: 0"), 9, 36,
               "greater than 0"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_fanouts_exit_104_at_the_field(tmp_path: Path, case: str) -> None:
    text, line, col, message = BAD[case]
    rejection = validate_rejects(tmp_path, text)
    assert message in rejection.output
    assert (rejection.line, rejection.col) == (line, col), rejection.output


def test_tied_not_innermost_in_a_strategy(tmp_path: Path) -> None:
    text = FANOUT.replace("WAIT", "all") + "strategies:\n  s: [{tied: 1ms}, {timeout: 1s}]\n"
    rejection = validate_rejects(tmp_path, text)
    assert "tied must be the innermost layer" in rejection.output
    assert rejection.line == 16


def test_the_cost_estimate_counts_every_leaf() -> None:
    from asyncsim.scenarios.checks.cost import estimate_cost
    plain = FANOUT.replace("WAIT", "all")
    cost = estimate_cost(scenario_from_yaml(plain))
    assert cost.calls_per_request == 1 + 20          # the root and its 20 leaves
    assert cost.requests == cost.requests_per_replication * 21
    assert "21 backend calls each" in cost.text()
