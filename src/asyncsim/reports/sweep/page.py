"""The sweep report: tradeoff curves with their Pareto front, metrics by parameter, table.

Tradeoff pairs are chosen by metric name among those the sweep produced, so a cache
sweep shows hit rate against staleness and a retry sweep p99 against backend calls.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd
import plotly.graph_objects as go

from asyncsim.reports.compare.differences import metric_info
from asyncsim.reports.render.chart_kit import (
    Chart,
    base_figure,
    log_axis,
    plot_text,
    seconds_axis,
    strategy_colors,
)
from asyncsim.reports.render.page import PlotlyJs, Section, charts_grid, esc, render_page
from asyncsim.reports.render.values import format_value
from asyncsim.reports.sweep.params import Param
from asyncsim.reports.sweep.table import Direction, pareto_front

TRADEOFFS = (
    ("hit_rate", ("staleness.med", "staleness.avg", "staleness")),
    ("hit_rate", ("stale_rate",)),
    ("backend_calls", ("latency.p(99)",)),
    ("error_rate", ("latency.p(99)",)),
    ("backend_calls", ("error_rate",)),
)
"""(x, candidates for y): the first candidate the sweep has is used."""
BY_PARAMETER = ("latency.p(99)", "latency.med", "error_rate", "backend_calls",
                "amplification", "hit_rate", "stale_rate", "staleness.med")


@dataclass(frozen=True)
class Tradeoff:
    x: str
    y: str
    better: tuple[Direction, Direction]
    front: list[int]
    """Row positions of the table on the Pareto front."""


def _varies(table: pd.DataFrame, key: str) -> bool:
    """More than a rounding difference (0.1% of the largest value) across the sweep."""
    values = table[key].dropna()
    if values.empty:
        return False
    spread = float(values.max() - values.min())
    return spread > 1e-3 * float(values.abs().max())


def reference_view(table: pd.DataFrame) -> pd.DataFrame:
    """Swept rows, plus each unswept strategy once (it is the same at every point)."""
    if "swept" not in table.columns:
        return table
    first = table["point"] == table["point"].min()
    view = table[table["swept"] | first].copy()
    view.loc[~view["swept"], "label"] = "not swept"
    return cast(pd.DataFrame, view.reset_index(drop=True))


def _direction(key: str, summary: Mapping[str, Any]) -> Direction | None:
    better = metric_info(key, summary)[2]
    return cast(Direction, better) if better in ("lower", "higher") else None


def tradeoffs(table: pd.DataFrame, summary: Mapping[str, Any]) -> list[Tradeoff]:
    """The tradeoff pairs this sweep can show, each with its Pareto front."""
    out, seen = [], set()
    for x, candidates in TRADEOFFS:
        y = next((c for c in candidates if c in table.columns), None)
        if x not in table.columns or y is None or (x, y) in seen:
            continue
        if not (_varies(table, x) and _varies(table, y)):
            continue
        dx, dy = _direction(x, summary), _direction(y, summary)
        if dx is None or dy is None:
            continue
        seen.add((x, y))
        points = list(zip(table[x].tolist(), table[y].tolist(), strict=True))
        out.append(Tradeoff(x, y, (dx, dy), pareto_front(points, (dx, dy))))
    return out


def _axis_for(key: str, summary: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    unit = metric_info(key, summary)[1]
    if unit == "s":
        return f"{key} (s)", seconds_axis()
    if unit == "1":
        return f"{key} (%)", {"ticksuffix": "%"}
    return (f"{key} ({unit})" if unit else key), {}


def _scale(key: str, values: pd.Series, summary: Mapping[str, Any]) -> list[float]:
    factor = 100.0 if metric_info(key, summary)[1] == "1" else 1.0
    return [v * factor for v in values.tolist()]


def tradeoff_chart(table: pd.DataFrame, trade: Tradeoff, order: Sequence[str],
                   summary: Mapping[str, Any], index: int) -> Chart:
    colors = strategy_colors(order)
    x_title, x_axis = _axis_for(trade.x, summary)
    y_title, y_axis = _axis_for(trade.y, summary)
    fig = base_figure(y_title, x_title, height=400)
    for strategy in order:
        rows = table[table["strategy"] == strategy]
        if rows.empty:
            continue
        fig.add_trace(go.Scatter(
            x=_scale(trade.x, rows[trade.x], summary), y=_scale(trade.y, rows[trade.y], summary),
            mode="lines+markers", name=plot_text(strategy),
            text=[plot_text(label) for label in rows["label"]],
            hovertemplate="%{text}<br>%{x:.4g}, %{y:.4g}<extra>" + plot_text(strategy)
                          + "</extra>",
            line={"color": colors[strategy], "width": 1.5}, marker={"size": 8}))
    front = table.iloc[trade.front].sort_values(trade.x)
    fig.add_trace(go.Scatter(
        x=_scale(trade.x, front[trade.x], summary), y=_scale(trade.y, front[trade.y], summary),
        mode="lines+markers", name="Pareto front",
        text=[plot_text(f"{s} · {label}") for s, label in zip(front["strategy"], front["label"],
                                                                strict=True)],
        hovertemplate="%{text}<extra>Pareto front</extra>",
        line={"color": "#1d2433", "width": 2, "dash": "dash", "shape": "hv"},
        marker={"size": 14, "symbol": "circle-open", "color": "#1d2433", "line": {"width": 2}}))
    fig.update_xaxes(**x_axis)
    fig.update_yaxes(**y_axis)
    words = {"lower": "lower", "higher": "higher"}
    note = (f"Each marker is one setting; ringed markers are Pareto-optimal: no other setting "
            f"has {words[trade.better[0]]} {trade.x} and {words[trade.better[1]]} {trade.y} "
            "at once.")
    return Chart(f"tradeoff-{index}", f"{trade.y} vs {trade.x}", fig, note)


def parameter_charts(table: pd.DataFrame, params: Sequence[Param], order: Sequence[str],
                     summary: Mapping[str, Any]) -> list[Chart]:
    """Each main metric against each numeric parameter (other parameters held per line)."""
    colors = strategy_colors(order)
    charts = []
    for p_index, param in enumerate(params):
        if all(math.isnan(v) for v in param.numbers):
            continue
        others = [p for p in params if p is not param]
        for key in BY_PARAMETER:
            if key not in table.columns or not _varies(table, key):
                continue
            y_title, y_axis = _axis_for(key, summary)
            unit = {"s": " (s)", "1/s": " (1/s)"}.get(param.unit, "")
            fig = base_figure(y_title, f"{param.name}{unit}" + (", log scale" if param.log
                                                                 else ""))
            group_columns = ["strategy"] + [f"{o.column}:text" for o in others]
            span = [min(v for v in param.numbers if not math.isnan(v)),
                    max(v for v in param.numbers if not math.isnan(v))]
            factor = 100.0 if metric_info(key, summary)[1] == "1" else 1.0
            fixed = table[~table["swept"]] if "swept" in table.columns else table.iloc[:0]
            for strategy, rows in fixed.groupby("strategy", sort=False):
                fig.add_trace(go.Scatter(
                    x=span, y=[float(rows[key].iloc[0]) * factor] * 2, mode="lines",
                    name=plot_text(f"{strategy} (not swept)"),
                    line={"color": colors.get(str(strategy), "#8a94a6"), "dash": "dot"}))
            swept = table[table["swept"]] if "swept" in table.columns else table
            for group, rows in swept.groupby(group_columns, sort=False):
                keys = group if isinstance(group, tuple) else (group,)
                strategy = str(keys[0])
                rows = rows.sort_values(param.column)
                name = strategy + "".join(f" · {o.name}={v}" for o, v in
                                          zip(others, keys[1:], strict=True))
                low, high = rows[f"{key}:ci95_low"], rows[f"{key}:ci95_high"]
                mean = rows[key]
                fig.add_trace(go.Scatter(
                    x=rows[param.column].tolist(), y=(mean * factor).tolist(),
                    mode="lines+markers", name=plot_text(name),
                    line={"color": colors.get(strategy, "#2f6fdf")},
                    error_y={"type": "data", "array": ((high - mean) * factor).fillna(0).tolist(),
                             "arrayminus": ((mean - low) * factor).fillna(0).tolist(),
                             "thickness": 1}))
            if param.log:
                log_axis(fig, "x", param.unit if param.unit in ("s", "1") else "")
            elif param.unit == "s":
                fig.update_xaxes(**seconds_axis())
            fig.update_yaxes(**y_axis)
            charts.append(Chart(f"param-{p_index}-{key}", f"{key} by {param.name}", fig,
                                "Mean over replications; whiskers are 95% intervals."))
    return charts


def points_table(table: pd.DataFrame, params: Sequence[Param], trades: Sequence[Tradeoff],
                 summary: Mapping[str, Any]) -> str:
    keys = [k for k in BY_PARAMETER if k in table.columns]
    on_front = {i for t in trades for i in t.front}
    head = "".join(f"<th>{esc(p.name)}</th>" for p in params) + "".join(
        f"<th>{esc(k)}</th>" for k in keys)
    rows = []
    for position, (_, row) in enumerate(table.iterrows()):
        mark = " ◎" if position in on_front else ""
        swept = bool(row["swept"]) if "swept" in row else True
        cells = "".join(f"<td>{esc(row[f'{p.column}:text'] if swept else 'not swept')}</td>"
                        for p in params)
        cells += "".join(f"<td>{esc(format_value(row[k], metric_info(k, summary)[1]))}</td>"
                         for k in keys)
        rows.append(f"<tr><td>{esc(row['strategy'])}{mark}</td>{cells}</tr>")
    return ('<div class="table-wrap"><table class="metrics" data-table="sweep"><thead><tr>'
            f"<th>strategy</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
            '<p class="note">◎: on the Pareto front of at least one tradeoff chart. '
            "Every metric of every point is in sweep.csv.</p>")


def render_sweep_report(table: pd.DataFrame, params: Sequence[Param], order: Sequence[str],
                        scenario: Mapping[str, Any], summary: Mapping[str, Any],
                        plotly_js: PlotlyJs = "inline") -> str:
    """``summary`` is any one point's summary (for metric units and directions)."""
    full, table = table, reference_view(table)
    trades = tradeoffs(table, summary)
    trade_charts = [tradeoff_chart(table, t, order, summary, i) for i, t in enumerate(trades)]
    facts = [("points", full["point"].nunique()), ("strategies", len(order)),
             ("replications", scenario.get("replications")), ("seed", scenario.get("seed"))]
    chips = "".join(f"<span>{esc(k)} <b>{esc(v)}</b></span>" for k, v in facts)
    swept = "".join(f"<span>{esc(p.path)}: <b>{esc(', '.join(p.texts))}</b></span>"
                    for p in params)
    header = (f'<div class="kicker">asyncsim sweep</div>'
              f'<h1 id="scenario-name">{esc(scenario.get("name", ""))}</h1>'
              f'<div class="facts">{chips}</div>'
              f'<div class="facts" style="margin-top:8px">{swept}</div>')
    lead_items = []
    for trade in trades:
        front = table.iloc[trade.front]
        best = ", ".join(f"{s} ({label})" for s, label in zip(front["strategy"], front["label"],
                                                             strict=True))
        lead_items.append(f"<li>{esc(trade.y)} vs {esc(trade.x)}: {esc(best)}</li>")
    lead = ('<div class="verdict" id="verdict"><h2>Pareto-optimal settings</h2>'
            + (f"<ul>{''.join(lead_items)}</ul>" if lead_items
               else "<p>No tradeoff pair varied over this sweep.</p>") + "</div>")
    sections = []
    if trade_charts:
        sections.append(Section("tradeoffs", "Tradeoff curves", charts_grid(trade_charts),
                                "What one metric costs in another, setting by setting."))
    by_param = parameter_charts(full, params, order, summary)
    if by_param:
        sections.append(Section("by-parameter", "Metrics by parameter", charts_grid(by_param)))
    sections.append(Section("points", "All points", points_table(table, params, trades, summary)))
    return render_page(f"{scenario.get('name', 'sweep')} · asyncsim sweep", header, sections,
                       plotly_js, lead=lead)
