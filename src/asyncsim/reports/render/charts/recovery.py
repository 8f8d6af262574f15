"""The report's recovery panel: per strategy and fault, did goodput come back, and when.

Each chart has two rows on one time axis. The top row is the goodput (mean over
replications, per time bin) against the pre-fault baseline band (``baseline_goodput`` x
(1 ± tolerance), the band the recovery analysis judges by), with the fault window shaded
and a marker where it recovered on average or a "did not recover" label. The bottom row
is one line per replication, from the fault's end to the moment it recovered (green) or
to the end of the run (red: metastable), so a reader sees the outcome of every run, not
only their mean.

Everything comes from summary.json (per-replication values) and the report's series: the
recovery analysis itself lives in reports/metrics/recovery.py, once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from asyncsim.lang.thresholds import fault_labels
from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.render.chart_kit import Chart, shade_time, strategy_colors
from asyncsim.reports.render.charts import element_id
from asyncsim.reports.render.report_data import FaultWindow, ReportMeta, StrategyData, finite

RECOVERED_COLOR, METASTABLE_COLOR, BAND_COLOR = "#19a979", "#d6336c", "rgba(47,111,223,0.12)"


def _per_rep(summary: Mapping[str, Any], strategy: str, key: str) -> list[float]:
    reps = summary["strategies"][strategy].get("replications", {}).get(key) or []
    return [finite(v) for v in reps]


def labelled_faults(faults: Sequence[FaultWindow]) -> list[tuple[str, FaultWindow]]:
    """Each fault with the label the recovery metrics tag it with (``api#1``)."""
    ordered = sorted(faults, key=lambda f: (f.start_s, f.backend, f.end_s))
    labels = fault_labels((f.backend, f.start_s, f.end_s) for f in ordered)
    return list(zip(labels, ordered, strict=True))


def recovery_charts(summary: Mapping[str, Any], data: Mapping[str, StrategyData],
                    meta: ReportMeta) -> list[Chart]:
    """One chart per strategy and analysed fault; none when no fault was analysed."""
    order = [s for s in meta.order if s in data and s in summary["strategies"]]
    colors = strategy_colors(meta.order)
    faults = labelled_faults(meta.faults)
    charts = []
    for index, strategy in enumerate(order):
        for label, fault in faults:
            key = str(ValueKey("recovered", tag=f"fault:{label}"))
            flags = _per_rep(summary, strategy, key)
            if not flags or all(math.isnan(f) for f in flags):
                continue
            times = (_per_rep(summary, strategy, "recovery_time.max") if len(faults) == 1
                     else [math.nan] * len(flags))
            chart = _chart(summary, data[strategy], meta, strategy, label, fault, flags,
                           times, colors[strategy], len(faults) > 1)
            charts.append(replace(chart, id=element_id("recovery", index, strategy, label)))
    return charts


def _chart(summary: Mapping[str, Any], data: StrategyData, meta: ReportMeta, strategy: str,
           label: str, fault: FaultWindow, flags: list[float], times: list[float],
           color: str, several: bool) -> Chart:
    scenario = summary.get("scenario", {})
    end_s = finite(scenario.get("duration_s"))
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.72, 0.28],
                        vertical_spacing=0.06, figure=go.Figure(layout={"template": {}}))
    fig.update_layout(height=420, margin={"l": 64, "r": 16, "t": 36, "b": 48},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0})
    t = data.series.get("time_s")
    ok = data.series.get("ok")
    if t is not None and ok is not None and len(t):
        bin_s = float(t[1] - t[0]) if len(t) > 1 else 2 * float(t[0])
        fig.add_trace(go.Scatter(x=t, y=ok / bin_s, mode="lines", name="goodput",
                                 line={"color": color, "width": 2}), row=1, col=1)
    baseline = finite(summary["strategies"][strategy]["values"].get(
        str(ValueKey("baseline_goodput", tag=f"fault:{label}")), {}).get("mean"))
    tolerance = meta.recovery_tolerance
    if math.isfinite(baseline):
        low, high = baseline * (1 - tolerance), baseline * (1 + tolerance)
        x = [0.0, end_s]
        fig.add_trace(go.Scatter(x=x, y=[high, high], mode="lines", line={"width": 0},
                                 showlegend=False, hoverinfo="skip"), row=1, col=1)
        fig.add_trace(go.Scatter(x=x, y=[low, low], mode="lines", line={"width": 0},
                                 fill="tonexty", fillcolor=BAND_COLOR,
                                 name=f"baseline ± {tolerance:.0%}", hoverinfo="skip"),
                      row=1, col=1)
        fig.add_trace(go.Scatter(x=x, y=[baseline, baseline], mode="lines",
                                 line={"color": "#2f6fdf", "dash": "dot", "width": 1},
                                 name=f"baseline {baseline:.3g}/s"), row=1, col=1)
    recovered = [f == 1.0 for f in flags]
    done = [r for r, ok_ in zip(times, recovered, strict=True) if ok_ and math.isfinite(r)]
    runs = len(flags)
    if done:
        mean_s = sum(done) / len(done)
        fig.add_vline(x=fault.end_s + mean_s, line_dash="dash", line_color=RECOVERED_COLOR,
                      row=1, col=1, annotation_text=f"recovered after {mean_s:.3g} s on "
                      f"average ({len(done)} of {runs} runs)",
                      annotation_position="top right", annotation_font_color=RECOVERED_COLOR)
    elif any(recovered):
        fig.add_annotation(x=fault.end_s, y=1, yref="y domain", xanchor="left", yanchor="top",
                           showarrow=False, font={"color": RECOVERED_COLOR},
                           text=f"recovered ({sum(recovered)} of {runs} runs)")
    if not all(recovered):
        fig.add_annotation(x=fault.end_s, y=0.02, yref="y domain", xanchor="left",
                           yanchor="bottom", showarrow=False, font={"color": METASTABLE_COLOR},
                           text=f"did not recover ({runs - sum(recovered)} of {runs} runs: "
                           "metastable)")
    _strip(fig, fault, flags, times, end_s)
    # after the traces: plotly skips shapes on subplots that are still empty
    shade_time(fig, finite(scenario.get("warmup_s", 0.0)), [fault])
    fig.update_yaxes(title_text="goodput (1/s)", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="run", row=2, col=1, autorange="reversed", type="category")
    fig.update_xaxes(title_text="time since start (s)", row=2, col=1)
    title = f"{strategy} · {label}" if several else strategy
    return Chart("recovery", title, fig,
                 "Goodput against the pre-fault baseline band; below, each replication "
                 "from the fault's end: green until it recovered, red when it never did "
                 "(metastable).")


def _strip(fig: Any, fault: FaultWindow, flags: list[float], times: list[float],
           end_s: float) -> None:
    """One line per replication: fault end -> recovered (green) or run end (red)."""
    for rep, (flag, time_s) in enumerate(zip(flags, times, strict=True), start=1):
        ok = flag == 1.0
        stop = fault.end_s + time_s if ok and math.isfinite(time_s) else (
            end_s if not ok else fault.end_s)
        outcome = (f"recovered after {time_s:.3g} s" if ok and math.isfinite(time_s)
                   else "recovered" if ok else "metastable: did not recover")
        fig.add_trace(go.Scatter(
            x=[fault.end_s, stop], y=[f"#{rep}", f"#{rep}"], mode="lines+markers",
            line={"color": RECOVERED_COLOR if ok else METASTABLE_COLOR, "width": 3},
            marker={"symbol": ["line-ns", "circle" if ok else "x"], "size": [8, 10]},
            name=f"run {rep}: {outcome}", showlegend=False, legendgroup="runs",
            hovertemplate=f"run {rep}: {outcome}<extra></extra>"), row=2, col=1)
