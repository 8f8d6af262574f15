"""How a value and a row of values are shown, the same in the terminal, HTML and Markdown.

One formatter means a number reads the same wherever it appears (tests compare the HTML
cell text with the terminal's), and one row order lists metrics as the registry does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from asyncsim.lang.thresholds import TREND_STATS
from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.metrics.catalog import REGISTRY


def format_value(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if unit == "s":
        if abs(value) >= 1:
            return f"{value:.2f}s"
        return f"{value * 1e3:.2f}ms" if abs(value) >= 1e-3 else f"{value * 1e6:.0f}µs"
    if unit == "1":
        return f"{value * 100:.2f}%"
    if float(value).is_integer() and abs(value) >= 1:
        return f"{value:,.0f}"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def estimate_text(values: Mapping[str, Any], key: str, unit: str) -> str:
    """``12.30ms ±1.20ms``: a summary value's mean and half its 95% interval."""
    entry = values.get(key)
    if entry is None:
        return "-"
    text = format_value(entry["mean"], unit)
    low, high = entry["ci95_low"], entry["ci95_high"]
    if low is not None and high is not None and not math.isnan(low) and high != low:
        text += f" ±{format_value((high - low) / 2, unit)}"
    return text


def unit_of(key: str) -> str:
    """The registry unit of a value key's metric ("" for a metric it does not know)."""
    metric = REGISTRY.get(ValueKey.parse(key).name)
    return metric.unit if metric else ""


def says_nothing(summary: Mapping[str, Any], key: str, order: Sequence[str]) -> bool:
    """A pattern metric idle in every strategy (hit_rate without a cache): not worth a row."""
    metric = REGISTRY.get(ValueKey.parse(key).name)
    return metric is not None and metric.says_nothing(
        summary["strategies"][s]["values"].get(key, {}).get("mean") for s in order)


def row_order(key: str) -> tuple[int, str, int, str]:
    """Registry order of metrics, then tag, then trend statistics in their usual order."""
    parsed = ValueKey.parse(key)
    tag, stat = parsed.tag or "", parsed.stat or ""
    names = list(REGISTRY)
    stat_rank = TREND_STATS.index(stat) if stat in TREND_STATS else len(TREND_STATS)
    return (names.index(parsed.name) if parsed.name in names else len(names), tag, stat_rank,
            stat)
