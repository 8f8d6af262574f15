"""--set through a strategy or backend that is not there names the mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from asyncsim.commands.common import load
from asyncsim.scenarios.problems import ScenarioError

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "caching.yaml"


@pytest.mark.parametrize("assignment, line", [
    ("strategies.tl.0.cache.ttl=5s",
     "<--set strategies.tl.0.cache.ttl=5s>:1:12: strategies: no strategy 'tl' (did you "
     "mean 'ttl'?); the scenario has: none, ttl, lru+ttl, swr, dedup"),
    ("backends.nope.workers=5",
     "<--set backends.nope.workers=5>:1:10: backends: no backend 'nope'; the scenario "
     "has: products"),
])
def test_a_path_through_an_unknown_strategy_or_backend_is_refused(
        assignment: str, line: str) -> None:
    """A typo in a strategy or backend name used to make a new entry and then fail on its
    shape ('expected a list', 'missing latency'); the name itself is the error."""
    with pytest.raises(ScenarioError) as raised:
        load(EXAMPLE, [assignment])
    assert [str(p) for p in raised.value.problems] == [line]


def test_a_whole_new_strategy_can_still_be_added() -> None:
    scenario = load(EXAMPLE, ["strategies.short=[{cache: {ttl: 5s}}]"]).scenario
    assert "short" in scenario.strategies
