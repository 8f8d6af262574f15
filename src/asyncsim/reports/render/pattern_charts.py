"""The charts of the workload pattern sections: page loads, prefetch, pagination, live
views and optimistic updates; a chart without data is None.

Each reads what the worker reduced from the run's logs (``StrategyData``: the typical
view, the pattern histograms and series) or the summary's own metric values, never the
logs again: the numbers are those of the metrics defined in ``reports/metrics``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from asyncsim.reports.metrics.prefetch import CLICK_SOURCES
from asyncsim.reports.render.chart_kit import Chart, base_figure, plot_text, seconds_axis
from asyncsim.reports.render.run_charts import ChartBuilder
from asyncsim.reports.render.values import format_number

CLICK_COLORS = {0: "#2f6fdf", 1: "#19a979", 2: "#13a4b4", 3: "#b58900"}
USE_LABELS = {1: "used by a click", 0: "never used (waste)"}
USE_COLORS = {1: "#19a979", 0: "#d6336c"}


def waterfall(build: ChartBuilder) -> Chart | None:
    """A Gantt of each strategy's typical view: a bar per resource from its request to its
    answer, a diamond where each boundary showed its content."""
    views = {s: build.data[s].typical_view for s in build.order}
    present = {s: v for s, v in views.items() if v is not None}
    if not present:
        return None
    rows = sum(len(v.resources) + len(v.boundaries) for v in present.values())
    fig = base_figure("", "time since the view started (s)", height=140 + 22 * rows)
    fig.update_layout(barmode="overlay", legend={"traceorder": "normal"})
    for strategy, view in present.items():
        color = build.colors[strategy]
        label = [plot_text(f"{strategy} · {r}") for r in view.resources]
        start = np.array(view.started_s)
        length = np.array(view.settled_s) - start
        fig.add_trace(go.Bar(
            y=label, x=np.nan_to_num(length), base=np.nan_to_num(start), orientation="h",
            name=plot_text(strategy), marker_color=color, legendgroup=plot_text(strategy),
            customdata=np.column_stack([start, start + length]),
            hovertemplate="%{y}: %{customdata[0]:.3s}s → %{customdata[1]:.3s}s<extra></extra>"))
        fig.add_trace(go.Scatter(
            y=[plot_text(f"{strategy} · shows {b}") for b in view.boundaries],
            x=list(view.reveal_s), mode="markers+text", name=plot_text(f"{strategy} boundaries"),
            legendgroup=plot_text(strategy), showlegend=False,
            marker={"symbol": "diamond", "size": 11, "color": color,
                    "line": {"color": "#1f2430", "width": 1}},
            text=[format_number(t, "s") for t in view.reveal_s], textposition="middle right",
            hovertemplate="%{y} at %{x:.3s}s<extra></extra>"))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(rangemode="tozero", **seconds_axis())
    views_n = min(v.views for v in present.values())
    return Chart("page-waterfall", "Waterfall of a typical page view", fig,
                 "Per strategy, the page view whose time to all content is the median (of "
                 f"at least {views_n:,} measured views per replication): bars run from a "
                 "resource's request to its answer; diamonds mark when each boundary showed.")


def click_sources(build: ChartBuilder) -> Chart | None:
    labels = dict(enumerate(CLICK_SOURCES))
    fig = build.stacked_shares("click_sources", labels, CLICK_COLORS, "share of clicks (%)")
    if fig is None:
        return None
    return Chart("prefetch-hits", "What served each click", fig,
                 "Everything but 'fetched on click' is a prefetch hit (prefetch_hit_rate).")


def prefetch_use(build: ChartBuilder) -> Chart | None:
    fig = build.stacked_shares("prefetch_use", USE_LABELS, USE_COLORS,
                               "share of prefetches (%)")
    if fig is None:
        return None
    return Chart("prefetch-waste", "Prefetches used and wasted", fig,
                 "Red: prefetches no click ever used (prefetch_waste); their backend calls "
                 "are prefetch_extra_calls.")


def _per_session_by_page(build: ChartBuilder, key: str, y_title: str) -> Any:
    fig = base_figure(y_title, "page (depth in the list)")
    fig.update_layout(barmode="group")
    for strategy in build.order:
        counts = build.data[strategy].distributions.get(key)
        sessions = build.data[strategy].distributions.get("sessions")
        if counts is None or sessions is None or not len(counts) or sessions[0] <= 0:
            continue
        fig.add_trace(go.Bar(x=[str(i + 1) for i in range(len(counts))],
                             y=np.asarray(counts) / sessions[0], name=plot_text(strategy),
                             marker_color=build.colors[strategy]))
    return fig if fig.data else None


def duplicates_by_page(build: ChartBuilder) -> Chart | None:
    fig = _per_session_by_page(build, "duplicates_by_page", "items shown twice per session")
    if fig is None:
        return None
    return Chart("pagination-duplicates", "Duplicates by page", fig,
                 "Items a page showed that an earlier page of the session had shown; the "
                 "bars of a strategy add up to its duplicates row.")


def skipped_by_page(build: ChartBuilder) -> Chart | None:
    fig = _per_session_by_page(build, "skipped_by_page", "items never shown per session")
    if fig is None:
        return None
    return Chart("pagination-skips", "Skipped items by page", fig,
                 "Items still in the feed that the reader passed over as the page took the "
                 "list deeper; the bars of a strategy add up to its skipped row.")


def _value_bars(build: ChartBuilder, key: str, y_title: str) -> Any:
    if not any(math.isfinite(build.value(s, key)[0]) for s in build.order):
        return None
    fig = base_figure(y_title)
    for strategy in build.order:
        mean, low, high = build.value(strategy, key)
        fig.add_trace(go.Bar(
            x=[plot_text(strategy)], y=[mean], name=plot_text(strategy), showlegend=False,
            marker_color=build.colors[strategy], width=0.5,
            error_y={"type": "data", "array": [high - mean if math.isfinite(high) else 0],
                     "arrayminus": [mean - low if math.isfinite(low) else 0]}))
    return fig


def requests_per_user_hour(build: ChartBuilder) -> Chart | None:
    fig = _value_bars(build, "requests_per_user_hour", "requests per user per hour")
    if fig is None:
        return None
    return Chart("live-requests", "Requests per user-hour", fig,
                 "Fetches live views sent per user per hour (mean over replications; "
                 "whiskers: 95% confidence interval).")


def visible_staleness(build: ChartBuilder) -> Chart | None:
    fig = _value_bars(build, "visible_staleness", "share of visible time outdated (%)")
    if fig is None:
        return None
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    return Chart("live-staleness", "Visible staleness", fig,
                 "Share of the time a visible tab showed a value already superseded.")


def rollbacks(build: ChartBuilder) -> Chart | None:
    fig = _value_bars(build, "rollback_rate", "optimistic changes taken back (%)")
    if fig is None:
        return None
    fig.update_yaxes(tickformat=".1%", rangemode="tozero")
    return Chart("optimistic-rollbacks", "Rollbacks", fig,
                 "Share of optimistic changes that showed and were then taken back because "
                 "the server refused the write (whiskers: 95% confidence interval).")


def flickers(build: ChartBuilder) -> Chart | None:
    fig = _value_bars(build, "flickers", "flickers in the measured window")
    if fig is None:
        return None
    fig.update_yaxes(rangemode="tozero")
    return Chart("optimistic-flickers", "Flicker", fig,
                 "Times a change that showed vanished under a server answer without it, "
                 "before coming back (whiskers: 95% confidence interval).")


def staleness_over_time(build: ChartBuilder) -> Chart | None:
    fig = build.time_chart("visible time showing an outdated value (%)")
    for strategy in build.order:
        t, _ = build.time_axis(strategy)
        stale = build.series(strategy, "stale_visible_s")
        visible = build.series(strategy, "visible_s")
        if stale is None or visible is None:
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(visible > 0, stale / visible * 100, np.nan)
        build.line(fig, strategy, t, share)
    if not fig.data:
        return None
    fig.update_yaxes(ticksuffix="%", rangemode="tozero")
    return Chart("live-staleness-over-time", "Visible staleness over time", fig,
                 "Per time bin, the share of visible time (with data) that showed a value "
                 "already superseded; over the window it is visible_staleness.")


def pattern_charts(build: ChartBuilder) -> Mapping[str, Sequence[Chart | None]]:
    """Section id -> its charts (sections.PATTERNS)."""
    return {"pages": [waterfall(build)],
            "prefetch": [click_sources(build), prefetch_use(build)],
            "pagination": [duplicates_by_page(build), skipped_by_page(build)],
            "live": [staleness_over_time(build), visible_staleness(build),
                     requests_per_user_hour(build)],
            "optimistic": [rollbacks(build), flickers(build)]}
