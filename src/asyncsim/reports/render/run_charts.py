"""The run report's plotly figures, one method per chart; a chart without data is None.

The conventions they keep (one colour per strategy, units on axes, warm-up and faults
shaded) are in :mod:`asyncsim.reports.render.chart_kit`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from asyncsim.reports.distributions import (
    ATTEMPTS_MAX,
    LATENCY_EDGES_S,
    STALENESS_EDGES_S,
    cdf_points,
)
from asyncsim.reports.render.chart_kit import (
    PALETTE,
    PERCENTILES,
    SOURCE_COLORS,
    SOURCE_LABELS,
    STATUS_COLORS,
    Chart,
    base_figure,
    log_axis,
    plot_text,
    seconds_axis,
    shade_time,
    strategy_colors,
)
from asyncsim.reports.render.report_data import ReportMeta, StrategyData, finite
from asyncsim.sim.outcome import Status

DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "triangle-down")
"""Each strategy's dash and marker, by position: coinciding lines stay distinguishable."""


class ChartBuilder:
    """Builds the charts of one report from its summary, plot data and metadata."""

    def __init__(self, summary: Mapping[str, Any], data: Mapping[str, StrategyData],
                 meta: ReportMeta) -> None:
        self.summary = summary
        self.data = data
        self.meta = meta
        self.order = [s for s in meta.order if s in data] or sorted(data)
        self.colors = strategy_colors(meta.order or self.order)
        scenario = summary.get("scenario", {})
        self.warmup_s = finite(scenario.get("warmup_s", 0.0))

    # ------------------------------------------------------------------ helpers

    def value(self, strategy: str, key: str) -> tuple[float, float, float]:
        entry = self.summary["strategies"].get(strategy, {}).get("values", {}).get(key)
        if entry is None:
            return math.nan, math.nan, math.nan
        return finite(entry["mean"]), finite(entry["ci95_low"]), finite(entry["ci95_high"])

    def series(self, strategy: str, key: str) -> np.ndarray | None:
        return self.data[strategy].series.get(key)

    def time_axis(self, strategy: str) -> tuple[np.ndarray, float]:
        t = self.data[strategy].series.get("time_s", np.array([]))
        bin_s = float(t[1] - t[0]) if len(t) > 1 else (2 * float(t[0]) if len(t) else 1.0)
        return t, bin_s

    def series_keys(self, match: Callable[[str], bool]) -> list[str]:
        return sorted({k for s in self.order for k in self.data[s].series if match(k)})

    def time_chart(self, y_title: str, height: int = 340) -> Any:
        fig = base_figure(y_title, "time since start (s)", height)
        fig.update_layout(hovermode="x unified")
        shade_time(fig, self.warmup_s, self.meta.faults)
        return fig

    def line(self, fig: Any, strategy: str, x: Any, y: Any, name: str | None = None,
             dash: str | None = None, group: str | None = None, show: bool = True) -> None:
        """A strategy's line with its own dash pattern and marker symbol: common random
        numbers make lines coincide, and a solid line on top would hide the others."""
        index = self.order.index(strategy) if strategy in self.order else 0
        points = len(x) if hasattr(x, "__len__") else 0
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines+markers", name=plot_text(name or strategy),
            legendgroup=plot_text(group or strategy), showlegend=show,
            line={"color": self.colors.get(strategy, PALETTE[0]),
                  "dash": dash or DASHES[index % len(DASHES)], "width": 2},
            marker={"symbol": SYMBOLS[index % len(SYMBOLS)], "size": 7,
                    "maxdisplayed": max(1, min(12, points // 6 or 1))}))

    def bars_with_ci(self, keys: Sequence[tuple[str, str]], y_title: str) -> Any:
        fig = base_figure(y_title)
        fig.update_layout(barmode="group")
        for strategy in self.order:
            means, up, down = [], [], []
            for _, key in keys:
                mean, low, high = self.value(strategy, key)
                means.append(mean)
                up.append(high - mean if math.isfinite(high) else 0.0)
                down.append(mean - low if math.isfinite(low) else 0.0)
            fig.add_trace(go.Bar(
                x=[label for label, _ in keys], y=means, name=plot_text(strategy),
                marker_color=self.colors[strategy],
                error_y={"type": "data", "array": up, "arrayminus": down, "thickness": 1.2}))
        return fig

    # ------------------------------------------------------------------ latency

    def latency_cdf(self) -> Chart | None:
        fig = base_figure("requests at or below (%)", "latency (s), log scale")
        immediate = False
        for strategy in self.order:
            counts = self.data[strategy].distributions.get("latency_s")
            if counts is None or counts.sum() == 0:
                continue
            immediate |= bool(counts[0] > 0)
            x, y = cdf_points(counts, LATENCY_EDGES_S)
            self.line(fig, strategy, x, y * 100)
        if not fig.data:
            return None
        log_axis(fig, "x")
        fig.update_yaxes(range=[0, 100.5], ticksuffix="%")
        note = "Each curve is the share of measured requests answered within a latency."
        if immediate:
            note += (" Requests answered in no simulated time (cache hits) are counted at "
                     f"{LATENCY_EDGES_S[0] * 1e6:g} µs, the left end of the axis.")
        return Chart("latency-cdf", "Latency distribution (CDF)", fig, note)

    def latency_percentiles(self) -> Chart | None:
        if not any(math.isfinite(self.value(s, "latency.med")[0]) for s in self.order):
            return None
        fig = self.bars_with_ci(PERCENTILES, "latency (s)")
        values = [self.value(s, k)[0] for s in self.order for _, k in PERCENTILES]
        positive = [v for v in values if math.isfinite(v) and v > 0]
        if positive and max(positive) / min(positive) > 50:
            log_axis(fig, "y")
        else:
            fig.update_yaxes(**seconds_axis())
        return Chart("latency-percentiles", "Latency percentiles", fig,
                     "Mean over replications; whiskers are the 95% confidence interval.")

    def latency_over_time(self) -> Chart | None:
        fig = self.time_chart("latency (s, log scale)")
        for strategy in self.order:
            t, _ = self.time_axis(strategy)
            for key, label, dash in (("latency_p99_s", "p99", "solid"),
                                     ("latency_p50_s", "p50", "dot")):
                y = self.series(strategy, key)
                if y is not None:
                    self.line(fig, strategy, t, y, f"{strategy} {label}", dash)
        if not fig.data:
            return None
        log_axis(fig, "y")
        return Chart("latency-over-time", "Latency percentiles over time", fig,
                     "Solid: p99, dotted: p50 of the requests started in each time bin "
                     "(mean over replications).")

    # ------------------------------------------------------------------ load

    def load_over_time(self) -> Chart | None:
        fig = self.time_chart("per second (1/s)")
        rates = {}
        for strategy in self.order:
            t, bin_s = self.time_axis(strategy)
            requests = self.series(strategy, "requests")
            if requests is not None:
                rates[strategy] = (t, requests / bin_s)
        same = len({tuple(np.round(r[1], 9)) for r in rates.values()}) == 1
        for i, (strategy, (t, rate)) in enumerate(rates.items()):
            if same and i > 0:
                break
            fig.add_trace(go.Scatter(
                x=t, y=rate, mode="lines",
                name="user requests" if same else plot_text(f"{strategy} user requests"),
                line={"color": "#c3c9d4", "width": 5} if same else
                {"color": self.colors[strategy], "dash": "dot", "width": 2}))
        for strategy in self.order:
            t, bin_s = self.time_axis(strategy)
            keys = [k for k in self.data[strategy].series if k.startswith("backend_calls:")]
            if keys:
                calls = np.sum([self.data[strategy].series[k] for k in keys], axis=0)
                self.line(fig, strategy, t, calls / bin_s, f"{strategy} backend calls")
        if not fig.data:
            return None
        note = ("Grey: user requests started (the same for every strategy: common random "
                "numbers); lines: calls that reached a backend." if same else
                "Dotted: user requests started; solid: calls that reached a backend.")
        return Chart("load-over-time", "User requests and backend calls over time", fig, note)

    def amplification(self) -> Chart | None:
        if not any(math.isfinite(self.value(s, "amplification")[0]) for s in self.order):
            return None
        fig = base_figure("backend calls per user request")
        for strategy in self.order:
            mean, low, high = self.value(strategy, "amplification")
            fig.add_trace(go.Bar(
                x=[plot_text(strategy)], y=[mean], name=plot_text(strategy),
                marker_color=self.colors[strategy], showlegend=False, width=0.5,
                error_y={"type": "data", "array": [high - mean if math.isfinite(high) else 0],
                         "arrayminus": [mean - low if math.isfinite(low) else 0]}))
        fig.add_hline(y=1, line_dash="dot", line_color="#8a94a6")
        return Chart("amplification", "Amplification", fig,
                     "Above 1: retries and hedges multiply load; below 1: caches absorb it.")

    def utilisation_over_time(self) -> Chart | None:
        fig = self.time_chart("busy workers (% of workers)")
        many = len(self.meta.backends) > 1
        for strategy in self.order:
            t, _ = self.time_axis(strategy)
            for backend, workers in self.meta.backends.items():
                busy = self.series(strategy, f"busy:{backend}")
                if busy is not None and workers > 0:
                    name = f"{strategy} · {backend}" if many else strategy
                    self.line(fig, strategy, t, busy / workers * 100, name)
        if not fig.data:
            return None
        fig.update_yaxes(ticksuffix="%", rangemode="tozero")
        return Chart("utilisation-over-time", "Backend utilisation over time", fig,
                     "Time-average share of the backend's configured workers that are busy.")

    def queue_over_time(self) -> Chart | None:
        fig = self.time_chart("calls waiting (calls)")
        keys = self.series_keys(lambda k: k.startswith("queue:"))
        for strategy in self.order:
            t, _ = self.time_axis(strategy)
            for key in keys:
                y = self.series(strategy, key)
                if y is not None:
                    name = f"{strategy} · {key.split(':', 1)[1]}" if len(keys) > 1 else strategy
                    self.line(fig, strategy, t, y, name)
        if not fig.data:
            return None
        fig.update_yaxes(rangemode="tozero")
        return Chart("queue-over-time", "Backend queue length over time", fig,
                     "Time-average number of calls waiting for a worker.")

    def stacked_shares(self, key: str, labels: Mapping[Any, str], colors: Mapping[Any, str],
                       x_title: str) -> Any:
        shares = {}
        for strategy in self.order:
            counts = self.data[strategy].distributions.get(key)
            if counts is not None and counts.sum() > 0:
                shares[strategy] = counts / counts.sum() * 100
        if not shares:
            return None
        fig = base_figure("", x_title, height=120 + 44 * len(shares))
        fig.update_layout(barmode="stack", hovermode="y unified",
                          legend={"traceorder": "normal"})
        names = [plot_text(s) for s in shares]
        for code, label in labels.items():
            values = [float(v[int(code)]) if int(code) < len(v) else 0.0
                      for v in shares.values()]
            if any(v > 0 for v in values):
                fig.add_trace(go.Bar(y=names, x=values, orientation="h", name=label,
                                     marker_color=colors[code]))
        fig.update_xaxes(range=[0, 100.5], dtick=20, ticksuffix="%")
        fig.update_yaxes(autorange="reversed")
        return fig

    def outcomes(self) -> Chart | None:
        labels = {s: s.name.lower().replace("_", "-") for s in Status}
        fig = self.stacked_shares("status", labels, STATUS_COLORS, "share of requests (%)")
        if fig is None:
            return None
        return Chart("outcomes", "Outcomes per strategy", fig,
                     "How measured requests ended: ok, or the kind of failure.")

    # ------------------------------------------------------------------ caching

    def cache_sources(self) -> Chart | None:
        fig = self.stacked_shares("source", SOURCE_LABELS, SOURCE_COLORS,
                                  "share of requests (%)")
        if fig is None:
            return None
        return Chart("cache-sources", "Where answers came from", fig,
                     "Fresh and stale cache hits, requests coalesced onto another in flight, "
                     "and requests that went to the backend.")

    def staleness(self) -> Chart | None:
        fig = base_figure("stale deliveries at or below (%)", "staleness (s), log scale")
        for strategy in self.order:
            counts = self.data[strategy].distributions.get("staleness_s")
            if counts is None or counts.sum() == 0:
                continue
            x, y = cdf_points(counts, STALENESS_EDGES_S)
            self.line(fig, strategy, x, y * 100)
        if not fig.data:
            return None
        log_axis(fig, "x")
        fig.update_yaxes(range=[0, 100.5], ticksuffix="%")
        return Chart("staleness", "Staleness of stale deliveries (CDF)", fig,
                     "For deliveries that were out of date: how long their version had "
                     "already been superseded. The stale_rate row says how many there were.")

    def cache_size_over_time(self) -> Chart | None:
        keys = self.series_keys(lambda k: k.split(":", 1)[0] == "entries"
                                or k.startswith("cache"))
        if not keys:
            return None
        fig = self.time_chart("entries")
        for strategy in self.order:
            t, _ = self.time_axis(strategy)
            for key in keys:
                y = self.series(strategy, key)
                if y is not None:
                    self.line(fig, strategy, t, y, f"{strategy} · {key}" if len(keys) > 1
                              else strategy)
        return Chart("cache-size-over-time", "Cache size over time", fig)

    # ------------------------------------------------------------------ resilience

    def attempts(self) -> Chart | None:
        shares = {}
        for strategy in self.order:
            counts = self.data[strategy].distributions.get("attempts")
            if counts is not None and counts.sum() > 0:
                shares[strategy] = counts / counts.sum() * 100
        used = [i for i in range(ATTEMPTS_MAX + 1) if any(v[i] > 0 for v in shares.values())]
        if not used or max(used) <= 1:
            return None
        labels = [f"≥{i}" if i == ATTEMPTS_MAX else str(i) for i in range(max(used) + 1)]
        fig = base_figure("share of requests (%)", "backend attempts per user request")
        fig.update_layout(barmode="group")
        for strategy, share in shares.items():
            fig.add_trace(go.Bar(x=labels, y=share[:len(labels)], name=plot_text(strategy),
                                 marker_color=self.colors[strategy]))
        fig.update_yaxes(ticksuffix="%")
        return Chart("attempts", "Attempts per request", fig,
                     "0 attempts: answered without calling a backend (cache, breaker, "
                     "fallback).")

    def breaker_timeline(self) -> Chart | None:
        keys = self.series_keys(lambda k: k.startswith("breaker_open"))
        if not keys:
            return None
        fig = self.time_chart("breakers open (time-average)")
        for strategy in self.order:
            t, _ = self.time_axis(strategy)
            for key in keys:
                y = self.series(strategy, key)
                if y is not None:
                    fig.add_trace(go.Scatter(
                        x=t, y=y, mode="lines", line_shape="hv",
                        name=plot_text(f"{strategy} · {key}" if len(keys) > 1 else strategy),
                        line={"color": self.colors[strategy], "width": 2}))
        fig.update_yaxes(rangemode="tozero")
        return Chart("breaker-timeline", "Circuit breaker state over time", fig,
                     "Per time bin: the share of the bin a shared breaker spent open (1 = open "
                     "throughout); for per-client breakers, the mean number open.")

    def goodput_over_time(self) -> Chart | None:
        fig = self.time_chart("successful requests per second (1/s)")
        for strategy in self.order:
            t, bin_s = self.time_axis(strategy)
            ok = self.series(strategy, "ok")
            if ok is not None:
                self.line(fig, strategy, t, ok / bin_s)
        if not fig.data:
            return None
        fig.update_yaxes(rangemode="tozero")
        return Chart("goodput-over-time", "Goodput over time", fig,
                     "User requests that got real data, per second, by the time they started.")
