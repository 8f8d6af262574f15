"""The service-time curve: through its points, straight between them, flat outside."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from asyncsim.sim.service_curve import concurrency_multipliers, interpolate

POINTS = st.dictionaries(st.integers(1, 64), st.floats(0.01, 100), min_size=1, max_size=6)


@given(POINTS, st.integers(1, 80))
def test_between_its_neighbours_and_through_its_points(points: dict[int, float], n: int) -> None:
    items = sorted(points.items())
    m = interpolate(items, n)
    below = [v for k, v in items if k <= n]
    above = [v for k, v in items if k >= n]
    low = below[-1] if below else above[0]
    high = above[0] if above else below[-1]
    assert min(low, high) - 1e-9 <= m <= max(low, high) + 1e-9
    if n in points:
        assert m == points[n]


def test_straight_between_and_flat_outside() -> None:
    points = [(2, 1.0), (6, 3.0)]
    assert [interpolate(points, n) for n in range(1, 9)] == [1.0, 1.0, 1.5, 2.0, 2.5, 3.0,
                                                             3.0, 3.0]


def test_the_factor_is_its_line_and_nothing_is_none() -> None:
    assert concurrency_multipliers(3, 0.5, ())[1:] == (1.0, 1.5, 2.0)
    assert concurrency_multipliers(3, 0.0, ()) is None
    assert concurrency_multipliers(2, 0.5, ((1, 2.0),))[1:] == (2.0, 2.0)   # a curve wins
