"""Numbers a scenario may hold at all, checked on the YAML tree before the models.

Why here and not per field: every whole number in a scenario ends up in float64
arithmetic (rates times counts, means, bins) or in a numpy int64 draw, so one bound for
all of them keeps the arithmetic exact: :data:`MAX_INTEGER` = 2^53, the largest range in
which float64 holds every integer. YAML's ``.inf`` and ``.nan`` are refused here too, with
a message that says why (the models refuse them as well, as a second line)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

MAX_INTEGER = 2**53
"""Largest magnitude of a whole number in a scenario (float64 holds every integer below)."""

Loc = tuple[str | int, ...]


def number_problems(tree: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every integer beyond ±MAX_INTEGER and every non-finite float, with its path."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from number_problems(value, (*loc, str(key)))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from number_problems(value, (*loc, index))
    elif isinstance(tree, bool):
        return
    elif isinstance(tree, int) and abs(tree) > MAX_INTEGER:
        yield loc, (f"{tree:.3g} is beyond the limit of ±2^53 ({MAX_INTEGER}) for whole "
                    "numbers in a scenario")
    elif isinstance(tree, float) and not math.isfinite(tree):
        yield loc, f"{tree} is not a finite number (inf and NaN are not allowed here)"
