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


def _sig3(value: float) -> str:
    """Three significant digits, trailing zeros kept (3.00, 12.3, 164), thousands grouped."""
    magnitude = abs(value)
    if magnitude >= 100 or value == 0:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def format_number(value: float | None, unit: str) -> str:
    """A number with its unit as a sentence or a chart shows it: 3.00 s, 300 ms, < 1 µs,
    18.7%, 164 req/s, 13,592 calls. Why a space and three digits: '0µs' and '8.6e-05'
    read as noise; '< 1 µs' says a cache answered."""
    if value is None or not math.isfinite(value):
        return "n/a"
    if unit == "s":
        magnitude = abs(value)
        if magnitude == 0:
            return "0 s"
        if magnitude < 1e-6:
            return "< 1 µs"
        if magnitude < 1e-3:
            return f"{_sig3(value * 1e6)} µs"
        return f"{_sig3(value * 1e3)} ms" if magnitude < 1 else f"{_sig3(value)} s"
    if unit == "1":
        percent = value * 100
        return "0%" if percent == 0 else f"{_sig3(percent)}%"
    text = f"{value:,.0f}" if float(value).is_integer() else _sig3(value)
    return f"{text} {unit}" if unit and unit != "1" else text


def key_label(key: str) -> str:
    """``ttac.p(95)`` -> ``ttac p95``: a value key as prose names it."""
    parsed = ValueKey.parse(key)
    stat = parsed.stat or ""
    stat = stat.replace("p(", "p").replace(")", "")
    base = parsed.name if parsed.tag is None else f"{parsed.name}{{{parsed.tag}}}"
    return f"{base} {stat}" if stat else base


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
