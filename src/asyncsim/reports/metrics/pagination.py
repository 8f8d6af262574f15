"""Pagination metrics: what readers saw twice or never, and how long they waited."""

from __future__ import annotations

import numpy as np

from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.metrics.client_logs import (
    from_log,
    in_window,
    log_trend,
    mean_or_nan,
    window_columns,
)
from asyncsim.reports.metrics.registry import RunView, Values, metric, trend_stats
from asyncsim.sim.workload.logs.columns import PageReadLog, SessionLog

FAMILY = "pagination"
DEPTH_STATS = ("avg", "p(95)")
"""Statistics kept per page depth: enough to see the cost of deep offsets grow."""


@metric("sessions", "counter", "sessions", "none",
        "reading sessions started after warm-up that read all their pages", family=FAMILY)
def sessions(view: RunView) -> Values:
    return from_log(view, SessionLog, "sessions", lambda c: float(len(c["duplicates"])))


@metric("duplicates", "gauge", "items/session", "lower",
        "items a session's final list showed more than once, per session", family=FAMILY)
def duplicates(view: RunView) -> Values:
    return from_log(view, SessionLog, "duplicates", lambda c: mean_or_nan(c["duplicates"]))


@metric("skipped", "gauge", "items/session", "lower",
        "items still in the feed, within the range a session's list covered, that it never "
        "showed, per session", family=FAMILY)
def skipped(view: RunView) -> Values:
    return from_log(view, SessionLog, "skipped", lambda c: mean_or_nan(c["skipped"]))


@metric("requests_per_session", "gauge", "req/session", "lower",
        "page requests a reading session made, refetches and prefetches included",
        family=FAMILY)
def requests_per_session(view: RunView) -> Values:
    return from_log(view, SessionLog, "requests_per_session",
                    lambda c: mean_or_nan(c["requests"]))


@metric("bottom_wait", "trend", "s", "lower",
        "time a reader spent at the bottom of the list waiting for the next page",
        family=FAMILY)
def bottom_wait(view: RunView) -> Values:
    return log_trend(view, PageReadLog, "bottom_wait",
                     lambda c: c["wait_s"][~np.isnan(c["wait_s"])])


@metric("page_latency", "trend", "s", "lower",
        "latency of a page request by depth (page 1, 2, ...): deep offsets cost more "
        "(avg, p(95))", family=FAMILY, tags=("page",))
def page_latency(view: RunView) -> Values:
    columns = window_columns(view, PageReadLog)
    if columns is None:
        return {}
    out: Values = {}
    for depth in np.unique(columns["depth"]):
        stats = trend_stats(columns["latency_s"][columns["depth"] == depth])
        out.update({str(ValueKey("page_latency", tag=f"page:{int(depth)}", stat=s)): stats[s]
                    for s in DEPTH_STATS})
    return out


def pagination_counts(view: RunView) -> dict[str, list[float]]:
    """Histograms for the report's pagination section, over the sessions the metrics
    read: ``duplicates_by_page`` and ``skipped_by_page`` (items summed over sessions,
    per page depth from 1) and ``sessions`` (how many, to make them per-session means).
    Their sums over pages divided by sessions are ``duplicates`` and ``skipped``."""
    log = view.result.logs.get(SessionLog)
    if log is None:
        return {}
    mask = in_window(view, np.array(log.arrays["t_start_s"], dtype="d"), before_end=False)
    duplicates, skipped = log.by_page()
    return {"duplicates_by_page": duplicates[mask].sum(axis=0).tolist(),
            "skipped_by_page": skipped[mask].sum(axis=0).tolist(),
            "sessions": [float(mask.sum())]}
