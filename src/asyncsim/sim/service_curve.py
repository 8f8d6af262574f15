"""Service time as a function of the calls in service: thrashing, lock contention, GC.

A backend's drawn service time is multiplied by m(n), n the calls in service when the call
starts (itself included). m comes from one of:

- ``concurrency_factor`` f: m(n) = 1 + f (n - 1), a straight line;
- ``service_curve``: points (n, m) the user gives, linear between them and flat beyond the
  first and the last (the curve says nothing there, so the nearest value holds).

Why a table: n is an integer between 1 and the backend's workers, so m is computed once per
value when the backend is built, and a call costs one lookup. The factor's entries are the
same float expression the backend used to compute per call, so results are unchanged.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence


def interpolate(points: Sequence[tuple[int, float]], n: int) -> float:
    """m(n): linear between the two points around ``n``, flat outside them."""
    ordered = sorted(points)
    if n <= ordered[0][0]:
        return ordered[0][1]
    for (n0, m0), (n1, m1) in itertools.pairwise(ordered):
        if n == n1:  # exactly the point: m0 + (m1 - m0) * 1 can miss m1 by an ulp
            return m1
        if n < n1:
            return m0 + (m1 - m0) * (n - n0) / (n1 - n0)
    return ordered[-1][1]


def concurrency_multipliers(workers: int, factor: float,
                            points: Sequence[tuple[int, float]]) -> tuple[float, ...] | None:
    """m(n) for n = 0..workers (index 0 unused); None when service time does not depend on
    concurrency."""
    if points:
        return tuple(interpolate(points, max(n, 1)) for n in range(workers + 1))
    if factor:
        return tuple(1 + factor * (n - 1) for n in range(workers + 1))
    return None
