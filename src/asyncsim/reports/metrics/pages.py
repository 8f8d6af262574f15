"""Page-load metrics: what a user sees first, when all of it is there, and its cost."""

from __future__ import annotations

import numpy as np

from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.metrics.client_logs import from_log, in_window, log_trend, mean_or_nan
from asyncsim.reports.metrics.registry import RunView, Values, metric, trend_stats
from asyncsim.sim.workload.logs.columns import ViewLog

FAMILY = "pages"
BOUNDARY_STATS = ("avg", "med", "p(95)")
"""Statistics kept per boundary: a trend per boundary with all eight would swamp a table."""


@metric("views", "counter", "views", "none",
        "page views started after warm-up whose resources all settled", family=FAMILY)
def views(view: RunView) -> Values:
    return from_log(view, ViewLog, "views", lambda c: float(len(c["ttac_s"])))


@metric("ttfc", "trend", "s", "lower",
        "time to first content: from a page view's start until its first Suspense boundary "
        "showed", family=FAMILY)
def ttfc(view: RunView) -> Values:
    return log_trend(view, ViewLog, "ttfc", lambda c: c["ttfc_s"])


@metric("ttac", "trend", "s", "lower",
        "time to all content: from a page view's start until every boundary showed",
        family=FAMILY)
def ttac(view: RunView) -> Values:
    return log_trend(view, ViewLog, "ttac", lambda c: c["ttac_s"])


@metric("boundary_reveal", "trend", "s", "lower",
        "time from a page view's start until one Suspense boundary showed (avg, med, p(95))",
        family=FAMILY, tags=("boundary",))
def boundary_reveal(view: RunView) -> Values:
    log = view.result.logs.get(ViewLog)
    if log is None:
        return {}
    mask = in_window(view, np.array(log.arrays["t_start_s"], dtype="d"), before_end=False)
    out: Values = {}
    for name, reveal in log.reveals().items():
        stats = trend_stats(reveal[mask])
        out.update({str(ValueKey("boundary_reveal", tag=f"boundary:{name}", stat=s)): stats[s]
                    for s in BOUNDARY_STATS})
    return out


@metric("requests_per_view", "gauge", "req/view", "none",
        "resource requests a page view sent down the strategy's layer stack", family=FAMILY)
def requests_per_view(view: RunView) -> Values:
    return from_log(view, ViewLog, "requests_per_view", lambda c: mean_or_nan(c["requests"]))


@metric("backend_calls_per_view", "gauge", "calls/view", "lower",
        "backend calls a page view caused (retries add to it, caches save)", family=FAMILY)
def backend_calls_per_view(view: RunView) -> Values:
    return from_log(view, ViewLog, "backend_calls_per_view",
                    lambda c: mean_or_nan(c["attempts"]))


@metric("view_error_rate", "rate", "1", "lower",
        "share of page views where some resource delivered nothing (an error, or a parent "
        "that failed)", family=FAMILY)
def view_error_rate(view: RunView) -> Values:
    return from_log(view, ViewLog, "view_error_rate",
                    lambda c: mean_or_nan((c["failed"] > 0).astype(float)))
