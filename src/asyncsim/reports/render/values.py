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

SIGNIFICANT = 3
"""Digits a value is shown with: enough to tell 3.00 s from 3.07 s, few enough to read."""


def _rounded(value: float, digits: int = SIGNIFICANT) -> float:
    """``value`` to ``digits`` significant digits, before it is scaled to a unit, so
    0.99996 s shows as 1.00 s and not as 1,000 ms."""
    return float(f"{value:.{digits}g}")


def _scale(value: float, unit: str) -> tuple[float, str]:
    """(factor, suffix) of the unit a reader reads a value in: seconds as µs, ms or s by
    the value's size, a ratio as a percentage, any other unit as itself."""
    if unit == "s":
        magnitude = abs(value)
        if magnitude < 1e-3:
            return 1e6, " µs"
        return (1e3, " ms") if magnitude < 1 else (1.0, " s")
    if unit == "1":
        return 100.0, "%"
    return 1.0, f" {unit}" if unit else ""


def _decimals(number: float) -> int:
    """Decimals that show ``number`` (already scaled) with three significant digits."""
    magnitude = abs(number)
    if magnitude == 0 or magnitude >= 100:
        return 0
    return SIGNIFICANT - 1 - math.floor(math.log10(magnitude))


def _text(number: float, decimals: int) -> str:
    return f"{number:,.{max(decimals, 0)}f}"


def format_number(value: float | None, unit: str, *, missing: str = "n/a",
                  with_unit: bool = True) -> str:
    """A number as every output shows it (terminal, HTML, Markdown, headlines): three
    significant digits (all digits from 100 up, grouped), scaled to its unit and named:
    3.00 s, 300 ms, 18.7%, 13,592 calls, 0.0000860 (never 8.6e-05). An exact zero time is
    "0 s" and a time under a microsecond "< 1 µs": a cache answer costs no simulated time,
    and "0µs" read as a rounding error. ``with_unit=False`` leaves out a count's unit (a
    table's row says it); times and percentages keep theirs, which say the scale."""
    if value is None or not math.isfinite(value):
        return missing
    if unit == "s" and value != 0 and abs(value) < 1e-6:
        return "< 1 µs"
    if unit == "s" and value == 0:
        return "0 s"
    number, decimals, suffix = _parts(value, unit, with_unit)
    return _text(number, decimals) + suffix


def _parts(value: float, unit: str, with_unit: bool) -> tuple[float, int, str]:
    """(scaled number, decimals, suffix) of a finite value."""
    factor, suffix = _scale(_rounded(value), unit)
    if not with_unit and unit not in ("s", "1"):
        suffix = ""
    number = value * factor
    if abs(number) >= 100 or (float(number).is_integer() and unit not in ("s", "1")):
        return number, 0, suffix
    rounded = _rounded(number)
    return rounded, _decimals(rounded), suffix


def format_estimate(mean: float | None, low: float | None, high: float | None, unit: str,
                    *, with_unit: bool = True) -> str:
    """``14.4 s ±0.8 s``: a mean and half its 95% interval, the half in the mean's unit and
    to the mean's last digit (never ``500 ±0.000571`` or ``14.36s ±765ms``); a half too
    small for that digit shows as ``±<1``, ``±<0.01 s``. A missing mean is "-"."""
    text = format_number(mean, unit, missing="-", with_unit=with_unit)
    if (mean is None or low is None or high is None or not math.isfinite(mean)
            or not math.isfinite(low) or not math.isfinite(high) or high == low):
        return text
    half = (high - low) / 2
    if mean == 0 or text == "< 1 µs":
        return f"{text} ±{format_number(half, unit, with_unit=with_unit)}"
    _, decimals, suffix = _parts(mean, unit, with_unit)
    factor, _ = _scale(_rounded(mean), unit)
    step = 10.0 ** -decimals
    scaled = half * factor
    if scaled < step / 2:
        return f"{text} ±<{_text(step, decimals)}{suffix}"
    return f"{text} ±{_text(scaled, decimals)}{suffix}"


def format_tick(value: float, unit: str) -> str:
    """An axis tick: the value's unit and no trailing zeros (100 µs, 1 ms, 2 s, 20%)."""
    if value == 0:
        return "0"
    value = _rounded(value)
    factor, suffix = _scale(value, unit)
    return f"{value * factor:,.{SIGNIFICANT}g}" + suffix


def log_ticks(low: float, high: float, unit: str) -> tuple[list[float], list[str]]:
    """Tick values and labels for a log axis from ``low`` to ``high`` (both > 0): decades,
    with 2 and 5 between them when the range spans three decades or fewer. Why not
    plotly's own: on a short log range it labels minor ticks with bare digits ("9 1s 2
    3") and mixes prefixes ("100µs, 0.001s")."""
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    steps = (1.0, 2.0, 5.0) if last - first <= 3 else (1.0,)
    values = [m * 10.0**e for e in range(first, last + 1) for m in steps]
    values = [v for v in values if low / 1.0001 <= v <= high * 1.0001]
    if len(values) < 3:  # a short range: every digit
        values = [m * 10.0**e for e in range(first, last + 1) for m in range(1, 10)
                  if low / 1.0001 <= m * 10.0**e <= high * 1.0001] or [10.0**first]
    return values, [format_tick(v, unit) for v in values]


def key_label(key: str) -> str:
    """``ttac.p(95)`` -> ``ttac p95``: a value key as prose names it."""
    parsed = ValueKey.parse(key)
    stat = parsed.stat or ""
    stat = stat.replace("p(", "p").replace(")", "")
    base = parsed.name if parsed.tag is None else f"{parsed.name}{{{parsed.tag}}}"
    return f"{base} {stat}" if stat else base


def format_value(value: float | None, unit: str) -> str:
    """A table cell: :func:`format_number` with "-" for a missing value and no count unit."""
    return format_number(value, unit, missing="-", with_unit=False)


def estimate_text(values: Mapping[str, Any], key: str, unit: str) -> str:
    """A summary value's cell: its mean and half its 95% interval (:func:`format_estimate`)."""
    entry = values.get(key)
    if entry is None:
        return "-"
    return format_estimate(entry["mean"], entry["ci95_low"], entry["ci95_high"], unit,
                           with_unit=False)


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
