"""The tipping-point bisection against outcome curves we know (no simulation)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncsim.reports.explore.search import Bisection, planned_runs


def snap(value: float) -> tuple[str, float]:
    text = f"{value:.4g}"
    return text, float(text)


def drive(search: Bisection, p_yes: Callable[[float], float], seed: int = 0,
          max_rounds: int = 200) -> list[tuple[float, range]]:
    """Answer the search's asks with draws from P(yes) = p_yes(value); the asks made."""
    rng = np.random.default_rng(seed)
    asked = []
    for _ in range(max_rounds):
        asks = search.asks()
        if not asks:
            return asked
        for ask in asks:
            asked.append((ask.value, ask.reps))
            search.record(ask, [bool(rng.random() < p_yes(ask.value)) for _ in ask.reps])
    raise AssertionError("the search did not end")


def test_step_curve_by_hand() -> None:
    # yes from 7 on; range 0..16, tolerance 2: midpoints 8 (yes), 4 (no), 6 (no) -> [6, 8].
    search = Bisection(("0", 0.0), ("16", 16.0), 2.0, 5, 20, snap)
    asked = drive(search, lambda x: float(x >= 7))
    assert [v for v, _ in asked] == [0, 16, 8, 4, 6]
    assert (search.low.value, search.high.value) == (6, 8)
    assert search.crossing and search.stopped == "tolerance"
    assert all(reps == range(0, 5) for _, reps in asked)
    assert search.decided(search.low) and search.decided(search.high)


def test_decreasing_outcome_brackets_too() -> None:
    # yes at the low end (e.g. recovered fails below some capacity): the sides swap.
    search = Bisection(("0", 0.0), ("10", 10.0), 1.0, 6, 24, snap)
    drive(search, lambda x: float(x < 3.3))
    low, high = sorted((search.low.value, search.high.value))
    assert low <= 3.3 <= high and high - low <= 1.0
    assert search.side_of(search.low) == "yes"


def test_no_crossing_stops_after_the_ends() -> None:
    search = Bisection(("1", 1.0), ("2", 2.0), 0.1, 5, 5, snap)
    asked = drive(search, lambda x: 0.0)
    assert len(asked) == 2 and not search.crossing and search.stopped == "no crossing"


def test_unsure_point_gets_new_replications_not_the_same_again() -> None:
    # P = 1/2 exactly at the midpoint: the interval never excludes 0.5, so the point
    # gets 10 more, then 20 more (up to 40), and is then placed by its estimate.
    search = Bisection(("0", 0.0), ("2", 2.0), 1.5, 10, 40, snap)
    asked = drive(search, lambda x: 0.0 if x < 1 else 1.0 if x > 1 else 0.5, seed=1)
    middle = [reps for value, reps in asked if value == 1.0]
    assert middle == [range(0, 10), range(10, 20), range(20, 40)]
    assert search.stopped == "tolerance"
    point = next(p for p in search.points if p.value == 1.0)
    assert point.runs == 40 and not search.decided(point)


def test_integer_ranges_stop_when_they_cannot_split() -> None:
    search = Bisection(("1", 1.0), ("9", 9.0), 0.5, 4, 4, snap, integral=True)
    drive(search, lambda x: float(x >= 6))
    assert (search.low.value, search.high.value) == (5, 6)
    assert search.stopped == "resolution"


def test_planned_runs_by_hand() -> None:
    # width 14, tolerance 2: 14 -> 7 -> 3.5 -> 1.75, three halvings, five points.
    assert planned_runs(14, 2, 10, False, False, 1, 15) == 50
    assert planned_runs(14, 14, 10, False, False, 1, 15) == 20
    # log 1..16, tolerance 2: the ratio goes 16, 4, 2, 1.414, 1.189, 1.0905; the widest
    # bracket, 16(1 - 1/r), is 2.55 at 1.189 and 1.33 at 1.0905: five halvings.
    assert planned_runs(15, 2, 1, False, True, 1, 16) == 2 + 5


@settings(max_examples=60, deadline=None)
@given(crossing=st.floats(0.01, 0.99), tolerance=st.floats(0.005, 0.5),
       yes_above=st.booleans())
def test_a_sharp_crossing_is_always_bracketed(crossing: float, tolerance: float,
                                              yes_above: bool) -> None:
    """Invariant: for a monotone step outcome, the bracket holds the step and is at most
    the tolerance wide (or the values cannot be split further at 4 digits)."""
    search = Bisection(("0", 0.0), ("1", 1.0), tolerance, 4, 16, snap)
    drive(search, lambda x: float((x >= crossing) == yes_above))
    low, high = sorted((search.low.value, search.high.value))
    assert low <= crossing <= high
    assert high - low <= tolerance * (1 + 1e-9) or search.stopped == "resolution"


def test_a_smooth_curve_brackets_its_half_point() -> None:
    """A logistic P(yes) with its 50% at 5 and a steep slope: with 20 replications a point
    the Wilson intervals place the bracket around 5 (fixed draws, so no flakiness)."""
    search = Bisection(("0", 0.0), ("10", 10.0), 0.5, 20, 80, snap)
    drive(search, lambda x: 1 / (1 + math.exp(-(x - 5) * 4)), seed=7)
    low, high = sorted((search.low.value, search.high.value))
    assert low <= 5 <= high
