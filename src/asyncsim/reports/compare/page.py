"""A comparison as a page (``--html``); the terminal table is in compare.terminal."""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

from asyncsim.reports.compare.differences import MetricComparison, verdict_counts
from asyncsim.reports.compare.terminal import (
    interval_text,
    ordered,
    relative_text,
    signed,
    summary_line,
)
from asyncsim.reports.render.chart_kit import Chart, base_figure, plot_text
from asyncsim.reports.render.page import PlotlyJs, Section, charts_grid, esc, render_page
from asyncsim.reports.render.values import format_value

VERDICT_CSS = {"better": "better", "worse": "worse"}
VERDICT_COLOR = {"better": "#19a979", "worse": "#d6336c", "changed": "#b58900",
                 "no significant change": "#8a94a6", "inconclusive": "#c7ccd4"}


def relative_chart(rows: Sequence[MetricComparison]) -> Chart | None:
    """Relative change of each metric with its interval, coloured by verdict."""
    shown = [r for r in ordered(rows) if math.isfinite(r.relative) and r.a != 0]
    if not shown:
        return None
    labels = [plot_text(f"{r.strategy} · {r.key}") for r in shown]
    scale = [100 / abs(r.a) for r in shown]
    fig = base_figure("", "relative change b vs a (%)", height=90 + 20 * len(shown))
    fig.add_trace(go.Scatter(
        x=[r.relative * 100 for r in shown], y=labels, mode="markers", showlegend=False,
        marker={"size": 9, "color": [VERDICT_COLOR[r.verdict] for r in shown]},
        error_x={"type": "data", "symmetric": False, "thickness": 1.2, "color": "#8a94a6",
                 "array": [(r.ci_high - r.delta) * s if math.isfinite(r.ci_high) else 0
                           for r, s in zip(shown, scale, strict=True)],
                 "arrayminus": [(r.delta - r.ci_low) * s if math.isfinite(r.ci_low) else 0
                                for r, s in zip(shown, scale, strict=True)]},
        text=[r.verdict for r in shown],
        hovertemplate="%{y}: %{x:+.2f}% (%{text})<extra></extra>"))
    fig.add_vline(x=0, line_color="#1d2433", line_width=1)
    fig.update_xaxes(ticksuffix="%")
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(margin={"l": 260})
    return Chart("relative-change", "Relative change with 95% interval", fig,
                 "Green: better, red: worse, grey: no significant change (Holm-adjusted "
                 "over all metrics).")


def render_compare_html(rows: Sequence[MetricComparison], a_label: str, b_label: str,
                        title: str, plotly_js: PlotlyJs = "inline") -> str:
    counts = verdict_counts(rows)
    worse, better = counts.get("worse", 0), counts.get("better", 0)
    state = "fail" if worse else ("pass" if better else "")
    header = (f'<div class="kicker">asyncsim compare</div><h1 id="scenario-name">{esc(title)}'
              f'</h1><div class="facts"><span>a <b>{esc(a_label)}</b></span>'
              f"<span>b <b>{esc(b_label)}</b></span></div>")
    lead = (f'<div class="verdict {state}" id="verdict"><h2>{esc(summary_line(rows))}</h2>'
            "<p>b compared with a. A verdict needs the paired difference over replications "
            "to be significant after Holm's correction for testing every metric at once."
            "</p></div>")
    body = []
    for row in ordered(rows):
        pill = VERDICT_CSS.get(row.verdict, "same")
        body.append(
            f'<tr data-key="{esc(row.key)}" data-strategy="{esc(row.strategy)}">'
            f"<td>{esc(row.strategy)}</td><td class=\"key\">{esc(row.key)}</td>"
            f"<td>{esc(format_value(row.a, row.unit))}</td>"
            f"<td>{esc(format_value(row.b, row.unit))}</td>"
            f"<td>{esc(signed(row.delta, row.unit))}</td><td>{esc(relative_text(row.relative))}"
            f"</td><td>{esc(interval_text(row))}</td>"
            f"<td>{esc(f'{row.p_value:.3g}' if math.isfinite(row.p_value) else '-')}</td>"
            f'<td><span class="pill {pill}">{esc(row.verdict)}</span></td></tr>')
    table = ('<div class="table-wrap"><table class="metrics" data-table="compare"><thead><tr>'
             f"<th>strategy</th><th>metric</th><th>a: {esc(a_label)}</th>"
             f"<th>b: {esc(b_label)}</th><th>delta</th><th>relative</th>"
             "<th>95% CI of delta</th><th>p (Holm)</th><th>verdict</th></tr></thead>"
             f"<tbody>{''.join(body)}</tbody></table></div>")
    sections = [Section("comparison", "Metric by metric", table)]
    chart = relative_chart(rows)
    if chart is not None:
        sections.append(Section("relative", "Relative change", charts_grid([chart])))
    return render_page(f"{title} · asyncsim compare", header, sections, plotly_js, lead=lead)
