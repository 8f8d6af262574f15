"""Page-load metrics: what a user sees first, when all of it is there, and its cost."""

from __future__ import annotations

import numpy as np

from asyncsim.reports.metrics.client_logs import in_window, mean_or_nan, window_columns
from asyncsim.reports.metrics.registry import RunView, Values, metric, trend_stats, value_key
from asyncsim.sim.client_log import ViewLog

FAMILY = "pages"
BOUNDARY_STATS = ("avg", "med", "p(95)")
"""Statistics kept per boundary: a trend per boundary with all eight would swamp a table."""


@metric("views", "counter", "views", "none",
        "page views started after warm-up whose resources all settled", family=FAMILY)
def views(view: RunView) -> Values:
    columns = window_columns(view, "views")
    return {} if columns is None else {"views": float(len(columns["ttac_s"]))}


@metric("ttfc", "trend", "s", "lower",
        "time to first content: from a page view's start until its first Suspense boundary "
        "showed", family=FAMILY)
def ttfc(view: RunView) -> Values:
    columns = window_columns(view, "views")
    return {} if columns is None else {value_key("ttfc", s): v for s, v in
                                       trend_stats(columns["ttfc_s"]).items()}


@metric("ttac", "trend", "s", "lower",
        "time to all content: from a page view's start until every boundary showed",
        family=FAMILY)
def ttac(view: RunView) -> Values:
    columns = window_columns(view, "views")
    return {} if columns is None else {value_key("ttac", s): v for s, v in
                                       trend_stats(columns["ttac_s"]).items()}


@metric("boundary_reveal", "trend", "s", "lower",
        "time from a page view's start until one Suspense boundary showed (avg, med, p(95))",
        family=FAMILY, tags=("boundary",))
def boundary_reveal(view: RunView) -> Values:
    log = view.result.extra.get("views")
    if not isinstance(log, ViewLog):
        return {}
    mask = in_window(view, np.array(log.arrays["t_start_s"], dtype="d"), before_end=False)
    out: Values = {}
    for name, reveal in log.reveals().items():
        stats = trend_stats(reveal[mask])
        out.update({value_key("boundary_reveal", s, f"boundary:{name}"): stats[s]
                    for s in BOUNDARY_STATS})
    return out


@metric("requests_per_view", "gauge", "req/view", "none",
        "resource requests a page view sent down the strategy's layer stack", family=FAMILY)
def requests_per_view(view: RunView) -> Values:
    columns = window_columns(view, "views")
    return {} if columns is None else {"requests_per_view": mean_or_nan(columns["requests"])}


@metric("backend_calls_per_view", "gauge", "calls/view", "lower",
        "backend calls a page view caused (retries add to it, caches save)", family=FAMILY)
def backend_calls_per_view(view: RunView) -> Values:
    columns = window_columns(view, "views")
    return {} if columns is None else {
        "backend_calls_per_view": mean_or_nan(columns["attempts"])}


@metric("view_error_rate", "rate", "1", "lower",
        "share of page views where some resource delivered nothing (an error, or a parent "
        "that failed)", family=FAMILY)
def view_error_rate(view: RunView) -> Values:
    columns = window_columns(view, "views")
    return {} if columns is None else {
        "view_error_rate": mean_or_nan((columns["failed"] > 0).astype(float))}
