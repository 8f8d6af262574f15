"""explore.html: the bisection trace (P(yes) at each point tried, with its Wilson interval
and the final bracket) or the map (a heat map of P(yes) per strategy), from explore.json
alone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from asyncsim.reports.render.chart_kit import Chart, base_figure, plot_text, strategy_colors
from asyncsim.reports.render.charts import element_id
from asyncsim.reports.render.page import PlotlyJs, Section, charts_grid, esc, render_page

NO_COLOR, YES_COLOR = "#19a979", "#d6336c"


def _axis_title(param: Mapping[str, Any]) -> str:
    unit = {"s": " (s)", "1/s": " (1/s)"}.get(param["unit"], "")
    return plot_text(f"{param['path']}{unit}")


def _trace_chart(index: int, name: str, result: Mapping[str, Any], param: Mapping[str, Any],
                 label: str, color: str) -> Chart:
    fig = base_figure(plot_text(f"P({label})"), _axis_title(param), height=340)
    points = result["points"]
    fig.add_hline(y=0.5, line_dash="dot", line_color="#8a94a6",
                  annotation_text="50%", annotation_position="top left")
    bracket = result["bracket"]
    if bracket is not None:
        fig.add_vrect(x0=bracket["low"], x1=bracket["high"], fillcolor="#b58900",
                      opacity=0.15, line_width=0, annotation_text="bracket",
                      annotation_position="top left")
    fig.add_trace(go.Scatter(
        x=[p["value"] for p in points], y=[p["p"] for p in points], mode="markers",
        name=plot_text(name), marker={"size": 10, "color": [
            YES_COLOR if p["side"] == "yes" else NO_COLOR for p in points],
            "symbol": ["circle" if p["decided"] else "circle-open" for p in points],
            "line": {"color": color, "width": 2}},
        error_y={"type": "data", "symmetric": False,
                 "array": [p["ci95_high"] - p["p"] for p in points],
                 "arrayminus": [p["p"] - p["ci95_low"] for p in points]},
        text=[f"{p['text']}: {p['yes']}/{p['runs']} (round {p['round']})" for p in points],
        hovertemplate="%{text}<extra></extra>"))
    if param["log"]:
        fig.update_xaxes(type="log")
    fig.update_yaxes(range=[-0.05, 1.05], tickformat=".0%")
    return Chart(element_id("trace", index, name), f"{name}: {result['verdict']}", fig,
                 "Each point: the share of replications with the outcome and its Wilson 95% "
                 "interval; red on the yes side, green on the no side, hollow when the "
                 "interval still held 50%. The shaded band is the final bracket.")


def _heat_chart(index: int, name: str, result: Mapping[str, Any],
                params: list[Mapping[str, Any]], label: str) -> Chart:
    x_param, y_param = params[1], params[0]   # the first --vary runs slowest: rows
    columns, rows = len(x_param["texts"]), len(y_param["texts"])
    cells = result["cells"]
    z = [[cells[r * columns + c]["p"] for c in range(columns)] for r in range(rows)]
    text = [[f"{cells[r * columns + c]['yes']}/{cells[r * columns + c]['runs']}"
             for c in range(columns)] for r in range(rows)]
    fig = base_figure(_axis_title(y_param), _axis_title(x_param), height=380)
    fig.add_trace(go.Heatmap(
        x=x_param["texts"], y=y_param["texts"], z=z, text=text, texttemplate="%{text}",
        zmin=0, zmax=1, colorscale=[[0, NO_COLOR], [0.5, "#f5f0d0"], [1, YES_COLOR]],
        colorbar={"title": f"P({plot_text(label)})", "tickformat": ".0%"},
        hovertemplate="%{y}, %{x}: P = %{z:.0%} (%{text})<extra></extra>"))
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    return Chart(element_id("map", index, name), f"{name}: P({label})", fig,
                 "Each cell: replications with the outcome over replications run; green "
                 "is stable, red tips over.")


def render_explore_report(document: Mapping[str, Any], plotly_js: PlotlyJs = "inline") -> str:
    scenario = document["scenario"]
    label = document["outcome_label"]
    params = document["params"]
    order = list(document["results"])
    colors = strategy_colors(order)
    facts = [("mode", document["mode"]), ("outcome", label),
             ("replications per point", document["replications"]),
             ("runs", document["spent"]["runs"]), ("seed", scenario.get("seed"))]
    chips = "".join(f"<span>{esc(k)} <b>{esc(v)}</b></span>" for k, v in facts)
    varied = "".join(f"<span>{esc(p['path'])}: <b>{esc(p['low_text'])} .. "
                     f"{esc(p['high_text'])}</b></span>" for p in params)
    header = (f'<div class="kicker">asyncsim explore</div>'
              f'<h1 id="scenario-name">{esc(scenario.get("name", ""))}</h1>'
              f'<div class="facts">{chips}</div>'
              f'<div class="facts" style="margin-top:8px">{varied}</div>')
    if document["mode"] == "bisection":
        lines = [f"{name}: {result['verdict']}" for name, result in document["results"].items()]
        charts = [_trace_chart(i, name, result, params[0], label, colors[name])
                  for i, (name, result) in enumerate(document["results"].items())]
        section = Section("bisection", "Where it tips", charts_grid(charts),
                          "The bisection's points in the order of the parameter.")
    else:
        lines = [f"{name}: P({label}) from {min(c['p'] for c in r['cells']):.0%} to "
                 f"{max(c['p'] for c in r['cells']):.0%} over the map"
                 for name, r in document["results"].items()]
        charts = [_heat_chart(i, name, result, params, label)
                  for i, (name, result) in enumerate(document["results"].items())]
        section = Section("map", "Stable and tipping regions", charts_grid(charts))
    lead = ('<div class="verdict" id="verdict"><h2>Tipping point</h2><ul>'
            + "".join(f"<li>{esc(line)}</li>" for line in lines) + "</ul></div>")
    return render_page(f"{scenario.get('name', 'explore')} · asyncsim explore", header,
                       [section], plotly_js, lead=lead)
