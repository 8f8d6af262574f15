"""A sweep's results: one table row per point and strategy, and the Pareto front."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from asyncsim.reports.render.report_data import finite
from asyncsim.reports.sweep.params import Param, Point

if TYPE_CHECKING:  # pandas loads when a sweep writes its table
    import pandas as pd

Direction = Literal["lower", "higher"]


def dominates(a: Sequence[float], b: Sequence[float], better: Sequence[Direction]) -> bool:
    """a is at least as good as b on every objective and strictly better on one."""
    strictly = False
    for x, y, direction in zip(a, b, better, strict=True):
        if direction == "higher":
            x, y = -x, -y
        if x > y:
            return False
        strictly |= x < y
    return strictly


def pareto_front(points: Sequence[Sequence[float]], better: Sequence[Direction]) -> list[int]:
    """Indices (ascending) of the points no other point dominates.

    A point with a NaN objective is never on the front and dominates nothing; equal
    points do not dominate each other, so both stay on the front.
    """
    valid = [i for i, p in enumerate(points) if all(math.isfinite(v) for v in p)]
    return [i for i in valid
            if not any(dominates(points[j], points[i], better) for j in valid if j != i)]


def sweep_table(params: Sequence[Param], points: Sequence[Point],
                summaries: Sequence[Mapping[str, Any]],
                swept: set[str] | None = None) -> pd.DataFrame:
    """One row per (point, strategy): parameter values, whether the strategy changes with
    them (``swept``), every value key's mean, then its 95% interval
    (``<key>:ci95_low``, ``<key>:ci95_high``)."""
    import pandas as pd

    rows = []
    keys: dict[str, None] = {}
    for point, summary in zip(points, summaries, strict=True):
        for strategy, entry in summary["strategies"].items():
            row: dict[str, Any] = {"point": point.index, "label": point.label,
                                   "strategy": strategy,
                                   "swept": swept is None or strategy in swept}
            for param in params:
                row[param.column] = point.values[param.path]
                row[f"{param.column}:text"] = dict(
                    a.split("=", 1) for a in point.assignments)[param.path]
            for key, value in entry["values"].items():
                keys.setdefault(key)
                row[key] = finite(value["mean"])
                row[f"{key}:ci95_low"] = finite(value["ci95_low"])
                row[f"{key}:ci95_high"] = finite(value["ci95_high"])
            rows.append(row)
    head = ["point", "label", "strategy", "swept"] + [c for p in params
                                             for c in (p.column, f"{p.column}:text")]
    ordered = sorted(keys)
    columns = head + ordered + [f"{k}:{b}" for k in ordered for b in ("ci95_low", "ci95_high")]
    return pd.DataFrame(rows, columns=columns)
