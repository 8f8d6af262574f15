"""The sweep's results in the terminal: one row per point and strategy, the scenario's
objectives as columns, within the console's width (80 columns in a pipe or a CI log).

Why the objectives: sweep.csv has every value; what a reader wants at the prompt is how
the question the scenario asks moves with the parameter. Strategies the sweep does not
change are listed once ("not swept"), as in sweep.html.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from rich.console import Group, RenderableType
from rich.table import Table

from asyncsim.reports.objectives import goals_present
from asyncsim.reports.render.safe import shown
from asyncsim.reports.render.values import format_value, key_label, unit_of
from asyncsim.reports.sweep.page import BY_PARAMETER, reference_view
from asyncsim.reports.sweep.params import Param

COLUMN_GAP = 2
DEFAULT_KEYS = 3
"""Columns shown when the summary has no objectives: the first of BY_PARAMETER present."""


def _goals(table: pd.DataFrame, summary: Mapping[str, Any]) -> list[tuple[str, str]]:
    goals = [(g["key"], g["better"]) for g in goals_present(summary) if g["key"] in table]
    if goals:
        return goals
    return [(k, "none") for k in BY_PARAMETER if k in table.columns][:DEFAULT_KEYS]


def _label(key: str, better: str) -> str:
    unit = unit_of(key)
    name = key.partition("{")[0].partition(".")[0]
    suffix = f" [{unit}]" if unit not in ("s", "1", "", name) else ""
    arrow = {"lower": " ↓", "higher": " ↑"}.get(better, "")
    return key_label(key) + suffix + arrow


def sweep_results(table: pd.DataFrame, params: Sequence[Param], summary: Mapping[str, Any],
                  width: int) -> RenderableType:
    """Rows: points × strategies; columns: the parameters' values, the strategy, the
    objectives (numbered with a legend when their names do not fit the width)."""
    view = reference_view(table)
    goals = _goals(view, summary)
    labels = [_label(k, b) for k, b in goals]
    rows = []
    for _, row in view.iterrows():
        swept = bool(row["swept"]) if "swept" in row else True
        rows.append([str(row[f"{p.column}:text"]) if swept else "not swept" for p in params]
                    + [shown(str(row["strategy"]))]
                    + [format_value(row[k], unit_of(k)) for k, _ in goals])
    heads = [p.name for p in params] + ["strategy"]
    needed = sum(max(len(c) for c in column) + COLUMN_GAP
                 for column in zip(heads + labels, *rows, strict=True))
    numbered = needed > width
    value_heads = [f"[{i + 1}]" for i in range(len(labels))] if numbered else labels
    out = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for head in heads:
        out.add_column(shown(head), style="cyan" if head != "strategy" else "",
                       overflow="fold")
    for head in value_heads:
        out.add_column(head.replace("[", "\\["), justify="right", overflow="fold")
    for cells in rows:
        out.add_row(*cells)
    if not numbered:
        return out
    legend = Table.grid(padding=(0, 1))
    legend.add_column(no_wrap=True)
    legend.add_column(overflow="fold")
    for head, label in zip(value_heads, labels, strict=True):
        legend.add_row(head.replace("[", "\\["), label.replace("[", "\\["))
    return Group(legend, out)
