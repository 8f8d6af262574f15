"""The words every CI output uses for a gate: observed values, changes, significance.

Shared by the terminal block, JUnit XML, Markdown and the report's verdict box, so a
gate reads the same wherever it is shown.
"""

from __future__ import annotations

import math

from asyncsim.reports.gates.baseline import Comparison
from asyncsim.reports.gates.thresholds import ThresholdResult
from asyncsim.reports.render.values import format_value


def show(value: float | None, unit: str) -> str:
    if value is None or math.isnan(value):
        return "-"
    if unit == "1/s":
        return f"{value:,.4g}/s"
    return format_value(value, unit)


def observed_text(result: ThresholdResult) -> str:
    """``p(99)=148.21ms`` as k6 prints it."""
    t = result.threshold
    return f"{t.expression.aggregation}={show(result.observed, t.unit)}"


def change_text(c: Comparison) -> str:
    """``300.00ms → 330.00ms (+10.0%)``."""
    unit = c.gate.target.definition.unit
    relative = c.relative_change
    shown = f" ({relative * 100:+.1f}%)" if relative is not None else ""
    return f"{show(c.baseline, unit)} → {show(c.current, unit)}{shown}"


def significance_text(c: Comparison) -> str:
    if c.skipped:
        return c.note
    parts = [c.test]
    if c.ci95 is not None and c.ci95[0] != c.ci95[1]:
        unit = c.gate.target.definition.unit
        parts.append(f"95% CI of change {_signed(c.ci95[0], unit)} … {_signed(c.ci95[1], unit)}")
    if c.note:
        parts.append(c.note)
    return "; ".join(parts)


def _signed(value: float, unit: str) -> str:
    text = show(abs(value), unit)
    return ("-" if value < 0 else "+") + text
