"""Page-load metrics: what a user sees first, when all of it is there, and its cost."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class TypicalView:
    """One page view as it happened, for the report's waterfall: the measured view whose
    ttac is the median (the earliest such view on a tie). Times are from the view's start;
    a resource never requested (its parent failed) has NaN times."""

    resources: tuple[str, ...]
    started_s: tuple[float, ...]
    settled_s: tuple[float, ...]
    boundaries: tuple[str, ...]
    reveal_s: tuple[float, ...]
    ttac_s: float
    views: int
    """How many measured views it was chosen from."""


def typical_view(view: RunView) -> TypicalView | None:
    """The median-ttac view of the window (the rows ``ttac`` reads); None without one."""
    log = view.result.logs.get(ViewLog)
    if log is None or not log.resources:
        return None
    mask = in_window(view, np.array(log.arrays["t_start_s"], dtype="d"), before_end=False)
    rows = np.flatnonzero(mask)
    if not len(rows):
        return None
    ttac = np.array(log.arrays["ttac_s"], dtype="d")[rows]
    median = np.sort(ttac)[(len(rows) - 1) // 2]  # the lower median: a view that happened
    pick = int(rows[np.flatnonzero(ttac == median)[0]])
    started, settled = log.timings()
    reveals = log.reveals()
    return TypicalView(log.resources, tuple(float(v) for v in started[pick]),
                       tuple(float(v) for v in settled[pick]), log.boundaries,
                       tuple(float(reveals[b][pick]) for b in log.boundaries),
                       float(log.arrays["ttac_s"][pick]), len(rows))
