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

from asyncsim.lang.thresholds import fault_labels
from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.render.chart_kit import Chart, strategy_colors, time_shading
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


_TOP_ROW, _BOTTOM_ROW = [0.3232, 1.0], [0.0, 0.2632]
"""The rows' heights on the page: what plotly's make_subplots gives for two rows of
heights 0.72 and 0.28 with a spacing of 0.06 (each row gets its share of 0.94)."""


def _chart(summary: Mapping[str, Any], data: StrategyData, meta: ReportMeta, strategy: str,
           label: str, fault: FaultWindow, flags: list[float], times: list[float],
           color: str, several: bool) -> Chart:
    """Built as one figure at once (traces and layout handed to plotly's constructor): the
    same figure made with make_subplots, add_trace and update_layout took about 100 ms,
    half of what a quickstart report took to draw."""
    scenario = summary.get("scenario", {})
    end_s = finite(scenario.get("duration_s"))
    traces: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    t = data.series.get("time_s")
    ok = data.series.get("ok")
    if t is not None and ok is not None and len(t):
        bin_s = float(t[1] - t[0]) if len(t) > 1 else 2 * float(t[0])
        traces.append({"type": "scatter", "x": t, "y": ok / bin_s, "mode": "lines",
                       "name": "goodput", "line": {"color": color, "width": 2}})
    baseline = finite(summary["strategies"][strategy]["values"].get(
        str(ValueKey("baseline_goodput", tag=f"fault:{label}")), {}).get("mean"))
    tolerance = meta.recovery_tolerance
    if math.isfinite(baseline):
        low, high = baseline * (1 - tolerance), baseline * (1 + tolerance)
        x = [0.0, end_s]
        traces += [
            {"type": "scatter", "x": x, "y": [high, high], "mode": "lines",
             "line": {"width": 0}, "showlegend": False, "hoverinfo": "skip"},
            {"type": "scatter", "x": x, "y": [low, low], "mode": "lines", "line": {"width": 0},
             "fill": "tonexty", "fillcolor": BAND_COLOR,
             "name": f"baseline ± {tolerance:.0%}", "hoverinfo": "skip"},
            {"type": "scatter", "x": x, "y": [baseline, baseline], "mode": "lines",
             "line": {"color": "#2f6fdf", "dash": "dot", "width": 1},
             "name": f"baseline {baseline:.3g}/s"}]
    recovered = [f == 1.0 for f in flags]
    done = [r for r, ok_ in zip(times, recovered, strict=True) if ok_ and math.isfinite(r)]
    runs = len(flags)
    if done:
        mean_s = sum(done) / len(done)
        at = fault.end_s + mean_s
        shapes.append({"type": "line", "x0": at, "x1": at, "xref": "x", "y0": 0, "y1": 1,
                       "yref": "y domain", "line": {"color": RECOVERED_COLOR, "dash": "dash"}})
        notes.append({"text": f"recovered after {mean_s:.3g} s on average ({len(done)} of "
                      f"{runs} runs)", "showarrow": False, "x": at, "xref": "x",
                      "xanchor": "left", "y": 1, "yref": "y domain", "yanchor": "top",
                      "font": {"color": RECOVERED_COLOR}})
    elif any(recovered):
        notes.append({"x": fault.end_s, "y": 1, "yref": "y domain", "xanchor": "left",
                      "yanchor": "top", "showarrow": False, "font": {"color": RECOVERED_COLOR},
                      "text": f"recovered ({sum(recovered)} of {runs} runs)"})
    if not all(recovered):
        notes.append({"x": fault.end_s, "y": 0.02, "yref": "y domain", "xanchor": "left",
                      "yanchor": "bottom", "showarrow": False,
                      "font": {"color": METASTABLE_COLOR},
                      "text": f"did not recover ({runs - sum(recovered)} of {runs} runs: "
                      "metastable)"})
    for trace in traces:
        trace.update(xaxis="x", yaxis="y")
    strip = _strip(fault, flags, times, end_s)
    # shaded on the rows that hold a trace (shade_time's rule)
    axes = [("x", "y")] * bool(traces) + [("x2", "y2")] * bool(strip)
    shade, labels = time_shading(finite(scenario.get("warmup_s", 0.0)), [fault], axes)
    fig = go.Figure(data=traces + strip, layout={
        "template": {}, "height": 420, "margin": {"l": 64, "r": 16, "t": 36, "b": 48},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "xaxis": {"anchor": "y", "domain": [0.0, 1.0], "matches": "x2",
                  "showticklabels": False},
        "yaxis": {"anchor": "x", "domain": _TOP_ROW, "title": {"text": "goodput (1/s)"},
                  "rangemode": "tozero"},
        "xaxis2": {"anchor": "y2", "domain": [0.0, 1.0],
                   "title": {"text": "time since start (s)"}},
        "yaxis2": {"anchor": "x2", "domain": _BOTTOM_ROW, "title": {"text": "run"},
                   "autorange": "reversed", "type": "category"},
        "shapes": shapes + shade, "annotations": notes + labels})
    title = f"{strategy} · {label}" if several else strategy
    return Chart("recovery", title, fig,
                 "Goodput against the pre-fault baseline band; below, each replication "
                 "from the fault's end: green until it recovered, red when it never did "
                 "(metastable).")


def _strip(fault: FaultWindow, flags: list[float], times: list[float],
           end_s: float) -> list[dict[str, Any]]:
    """One line per replication: fault end -> recovered (green) or run end (red)."""
    traces = []
    for rep, (flag, time_s) in enumerate(zip(flags, times, strict=True), start=1):
        ok = flag == 1.0
        stop = fault.end_s + time_s if ok and math.isfinite(time_s) else (
            end_s if not ok else fault.end_s)
        outcome = (f"recovered after {time_s:.3g} s" if ok and math.isfinite(time_s)
                   else "recovered" if ok else "metastable: did not recover")
        traces.append({
            "type": "scatter", "x": [fault.end_s, stop], "y": [f"#{rep}", f"#{rep}"],
            "mode": "lines+markers", "xaxis": "x2", "yaxis": "y2",
            "line": {"color": RECOVERED_COLOR if ok else METASTABLE_COLOR, "width": 3},
            "marker": {"symbol": ["line-ns", "circle" if ok else "x"], "size": [8, 10]},
            "name": f"run {rep}: {outcome}", "showlegend": False, "legendgroup": "runs",
            "hovertemplate": f"run {rep}: {outcome}<extra></extra>"})
    return traces
