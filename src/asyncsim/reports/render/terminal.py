"""The k6-style end-of-run summary: strategies side by side, then the run's own figures."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from asyncsim.reports.reduction import RunPerformance
from asyncsim.reports.render.safe import printable, shown
from asyncsim.reports.render.values import estimate_text, row_order, says_nothing, unit_of


def results_table(summary: dict[str, Any], order: Sequence[str]) -> Table:
    """Rows are metric values, columns strategies (in the scenario's order)."""
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("metric", style="cyan", no_wrap=True)
    for name in order:
        table.add_column(shown(name), justify="right")
    strategies = summary["strategies"]
    keys = sorted({k for s in strategies.values() for k in s["values"]}, key=row_order)
    for key in keys:
        if says_nothing(summary, key, order):
            continue
        unit = unit_of(key)
        table.add_row(key, *(estimate_text(strategies[n]["values"], key, unit) for n in order))
    return table


def performance_line(runs: Sequence[RunPerformance], wall_s: float) -> Text:
    requests = sum(r.requests_simulated for r in runs)
    events = sum(r.simpy_events for r in runs)
    cpu = sum(r.cpu_s for r in runs)
    rate = requests / wall_s if wall_s > 0 else math.inf
    return Text(f"simulated requests {requests:,} · SimPy events {events:,} · "
                f"wall {wall_s:.2f}s · CPU {cpu:.2f}s · {rate:,.0f} req/s", style="dim")


def print_summary(console: Console, summary: dict[str, Any], order: Sequence[str],
                  performance: Sequence[RunPerformance], wall_s: float,
                  thresholds: Any = None, out_dir: str | None = None) -> None:
    scenario = summary["scenario"]
    parts: list[Any] = []
    if thresholds is not None:
        parts.append(thresholds)
    parts += [Text(f"█ RESULTS  {printable(scenario['name'])}: {scenario['replications']} "
                   f"replication(s), mean ±95% CI, measured after "
                   f"{scenario['warmup_s']:g}s warm-up", style="bold"),
              results_table(summary, order), Text(""),
              Text("█ RUN", style="bold"), performance_line(performance, wall_s)]
    if out_dir:
        parts.append(Text(f"report: {printable(out_dir)}/summary.json", style="dim"))
    console.print(Group(*parts))
