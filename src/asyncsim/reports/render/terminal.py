"""The k6-style end-of-run summary: the headline, the objectives per strategy, the run.

Why compact: pipes and CI logs get 80 columns, and a 60-row table of every value per
strategy truncated names to ``resilience4j-…`` and values to ``153…``. The default shows
the scenario's question (its objectives, or the workload's key metrics) with a mark on
the leaders; ``--details`` adds the full table. Nothing is ever cut: a cell that does not
fit folds onto the next line, and the layout turns strategies into rows when they would
not fit side by side.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from asyncsim.reports.headline import headline
from asyncsim.reports.objectives import goals_present
from asyncsim.reports.reduction import RunPerformance
from asyncsim.reports.render.safe import printable, shown
from asyncsim.reports.render.values import (
    estimate_text,
    format_number,
    key_label,
    row_order,
    says_nothing,
    unit_of,
)
from asyncsim.reports.significance import Ranking, mean_of, rank

COLUMN_GAP = 2


def results_table(summary: dict[str, Any], order: Sequence[str]) -> Table:
    """Every value (``--details``): rows are value keys, columns strategies."""
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("metric", style="cyan", overflow="fold")
    for name in order:
        table.add_column(shown(name), justify="right", overflow="fold")
    strategies = summary["strategies"]
    keys = sorted({k for s in strategies.values() for k in s["values"]}, key=row_order)
    for key in keys:
        if says_nothing(summary, key, order):
            continue
        unit = unit_of(key)
        table.add_row(key, *(estimate_text(strategies[n]["values"], key, unit) for n in order))
    return table


def _cell(summary: dict[str, Any], ranking: Ranking, strategy: str, mark: str) -> str:
    """The value without a count unit (the header has it); times and shares keep theirs."""
    unit = unit_of(ranking.key)
    text = format_number(mean_of(summary, strategy, ranking.key), unit)
    if unit not in ("s", "1", "") and text.endswith(" " + unit):
        text = text[:-len(unit) - 1]
    # A mark needs a test: with one replication noise is not measured (the HTML agrees).
    leads = ranking.tested and strategy in ranking.leaders and not ranking.all_tied
    return f"{mark} {text}" if leads else text


def _label(ranking: Ranking) -> str:
    unit = unit_of(ranking.key)
    name = ranking.key.partition("{")[0].partition(".")[0]
    shown = f" \\[{unit}]" if unit not in ("s", "1", "", name) else ""
    return key_label(ranking.key) + shown + (" ↓" if ranking.better == "lower" else " ↑")


def _width(columns: Sequence[Sequence[str]]) -> int:
    return sum(max(len(c) for c in column) + COLUMN_GAP for column in columns)


def objectives_table(summary: dict[str, Any], order: Sequence[str], width: int,
                     mark: str) -> RenderableType:
    """The objectives per strategy: strategies as columns when they fit, else as rows;
    objectives numbered with a legend when even their names do not fit as headers."""
    rankings = [rank(summary, g["key"], g["better"], order) for g in goals_present(summary)]
    labels = [_label(r) for r in rankings]
    cells = {s: [_cell(summary, r, s, mark) for r in rankings] for s in order}
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    across = [["objective", *labels]] + [[s, *cells[s]] for s in order]
    if _width(across) <= width and len(order) <= 6:
        table.add_column("objective", style="cyan", overflow="fold")
        for name in order:
            table.add_column(shown(name), justify="right", overflow="fold")
        for index, label in enumerate(labels):
            table.add_row(label, *(cells[s][index] for s in order))
        return table
    down = [["strategy", *order]] + [[label, *(cells[s][i] for s in order)]
                                     for i, label in enumerate(labels)]
    numbered = _width(down) > width
    heads = [f"\\[{i + 1}]" for i in range(len(labels))] if numbered else labels
    table.add_column("strategy", style="cyan", overflow="fold")
    for head in heads:
        table.add_column(head, justify="right", overflow="fold")
    for name in order:
        table.add_row(shown(name), *cells[name])
    if not numbered:
        return table
    legend = Table.grid(padding=(0, 1))
    legend.add_column(no_wrap=True)
    legend.add_column(overflow="fold")
    for head, label in zip(heads, labels, strict=True):
        legend.add_row(head, label)
    return Group(legend, table)


def performance_line(runs: Sequence[RunPerformance], wall_s: float) -> Text:
    requests = sum(r.requests_simulated for r in runs)
    events = sum(r.simpy_events for r in runs)
    cpu = sum(r.cpu_s for r in runs)
    rate = requests / wall_s if wall_s > 0 else math.inf
    return Text(f"simulated requests {requests:,} · SimPy events {events:,} · "
                f"wall {wall_s:.2f}s · CPU {cpu:.2f}s · {rate:,.0f} req/s", style="dim")


def print_summary(console: Console, summary: dict[str, Any], order: Sequence[str],
                  performance: Sequence[RunPerformance], wall_s: float,
                  thresholds: Any = None, out_dir: str | None = None,
                  details: bool = False) -> None:
    """Thresholds (first, as k6 prints them), headline, objectives, run figures and where
    the report is; a plain
    rendering (ASCII marks) when the console is not a terminal."""
    scenario = summary["scenario"]
    fancy = console.is_terminal
    bar, mark = ("█ ", "★") if fancy else ("== ", "*")
    reps = scenario["replications"]
    source = (summary.get("objectives") or {}).get("source")
    asked = "the scenario's objectives" if source == "scenario" else "the workload's key metrics"
    parts: list[RenderableType] = [thresholds, Text("")] if thresholds is not None else []
    parts += [
        Text(f"{bar}{printable(scenario['name'])}: {reps} replication{'s' if reps != 1 else ''}, "
             f"measured after {scenario['warmup_s']:g}s warm-up", style="bold")]
    lines = summary.get("headline")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for line in (headline(summary) if lines is None else lines):
        grid.add_row(" -", shown(line))
    parts.append(grid)
    parts += [Text(""), Text(f"{bar}OBJECTIVES ({asked}; {mark} best, ↓ lower is better, "
                             "↑ higher)", style="bold"),
              objectives_table(summary, order, console.width, mark), Text("")]
    if details:
        parts += [Text(f"{bar}ALL VALUES (mean ±95% CI)", style="bold"),
                  results_table(summary, order), Text("")]
    parts += [Text(f"{bar}RUN", style="bold"), performance_line(performance, wall_s)]
    if out_dir:
        parts.append(Text(f"report: {printable(out_dir)}/report.html", style="dim"))
        if not details:
            parts.append(Text("every value: --details, or summary.json", style="dim"))
    console.print(Group(*parts))
