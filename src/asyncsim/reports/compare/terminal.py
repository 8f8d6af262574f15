"""The comparison in the terminal: one line per metric, deltas with their interval."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from asyncsim.reports.compare.differences import MetricComparison, verdict_counts
from asyncsim.reports.render.safe import printable, shown
from asyncsim.reports.render.values import format_value, row_order

VERDICT_STYLE = {"better": "green", "worse": "red", "changed": "yellow",
                 "no significant change": "dim", "inconclusive": "dim"}


def signed(value: float, unit: str) -> str:
    if not math.isfinite(value):
        return "-"
    return ("+" if value > 0 else "-" if value < 0 else "±") + format_value(abs(value), unit)


def relative_text(value: float) -> str:
    return f"{value * 100:+.1f}%" if math.isfinite(value) else "-"


def interval_text(row: MetricComparison) -> str:
    if not (math.isfinite(row.ci_low) and math.isfinite(row.ci_high)):
        return "-"
    return f"[{signed(row.ci_low, row.unit)}, {signed(row.ci_high, row.unit)}]"


def ordered(rows: Sequence[MetricComparison]) -> list[MetricComparison]:
    return sorted(rows, key=lambda r: (r.strategy, row_order(r.key)))


def summary_line(rows: Sequence[MetricComparison]) -> str:
    counts = verdict_counts(rows)
    parts = [f"{counts[v]} {v}" for v in ("better", "worse", "changed",
                                          "no significant change", "inconclusive")
             if counts.get(v)]
    return ", ".join(parts) if parts else "nothing to compare"


def comparison_table(rows: Sequence[MetricComparison], a_label: str = "a",
                     b_label: str = "b") -> Table:
    """Strategies as headings, one line per metric; the verdict stays in the last column."""
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for name, justify in (("metric", "left"), (a_label, "right"), (b_label, "right"),
                          ("delta", "right"), ("rel.", "right"), ("95% CI of delta", "right"),
                          ("verdict", "left")):
        table.add_column(shown(name), justify=justify,  # type: ignore[arg-type]
                         overflow="fold", no_wrap=name not in ("metric", "verdict"))
    strategy = None
    for row in ordered(rows):
        if row.strategy != strategy:
            strategy = row.strategy
            table.add_row(Text(f"█ {printable(strategy)}", style="bold"))
        table.add_row(Text(printable(row.key), style="cyan"), format_value(row.a, row.unit),
                      format_value(row.b, row.unit), signed(row.delta, row.unit),
                      relative_text(row.relative), interval_text(row),
                      Text(row.verdict, style=VERDICT_STYLE[row.verdict]))
    return table
