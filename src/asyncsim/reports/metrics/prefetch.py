"""Prefetch metrics: what a click waited, what prefetching cost and what it wasted."""

from __future__ import annotations

import numpy as np

from asyncsim.reports.metrics.client_logs import from_log, log_trend, mean_or_nan, window_columns
from asyncsim.reports.metrics.registry import RunView, Values, metric
from asyncsim.sim.workload.logs.columns import ClickLog, PrefetchLog

FAMILY = "prefetch"


@metric("clicks", "counter", "clicks", "none", "clicks on links after warm-up", family=FAMILY)
def clicks(view: RunView) -> Values:
    return from_log(view, ClickLog, "clicks", lambda c: float(len(c["latency_s"])))


@metric("click_latency", "trend", "s", "lower",
        "from a click until the linked page's data was there (0 when a prefetch had it ready)",
        family=FAMILY)
def click_latency(view: RunView) -> Values:
    return log_trend(view, ClickLog, "click_latency", lambda c: c["latency_s"])


@metric("prefetch_hit_rate", "rate", "1", "higher",
        "share of clicks served by a prefetch: ready, still in flight, or through the cache",
        family=FAMILY)
def prefetch_hit_rate(view: RunView) -> Values:
    return from_log(view, ClickLog, "prefetch_hit_rate",
                    lambda c: mean_or_nan((c["prefetched"] > 0).astype(float)))


@metric("prefetches", "counter", "req", "none",
        "prefetches started in the measured window", family=FAMILY)
def prefetches(view: RunView) -> Values:
    return from_log(view, PrefetchLog, "prefetches", lambda c: float(len(c["used"])),
                    before_end=True)


@metric("prefetch_waste", "rate", "1", "lower",
        "share of prefetches that no click ever used", family=FAMILY)
def prefetch_waste(view: RunView) -> Values:
    return from_log(view, PrefetchLog, "prefetch_waste",
                    lambda c: mean_or_nan((c["used"] == 0).astype(float)), before_end=True)


@metric("prefetch_extra_calls", "counter", "calls", "lower",
        "backend calls made by prefetches that no click used: load prefetching added for "
        "nothing", family=FAMILY)
def prefetch_extra_calls(view: RunView) -> Values:
    return from_log(view, PrefetchLog, "prefetch_extra_calls",
                    lambda c: float(c["attempts"][c["used"] == 0].sum()), before_end=True)


CLICK_SOURCES = ("fetched on click", "prefetch ready", "joined a prefetch in flight",
                 "cache after a prefetch")
"""What served a click, by ``ClickLog.prefetched`` code; codes above 0 are the hits that
``prefetch_hit_rate`` counts."""


def prefetch_counts(view: RunView) -> dict[str, list[float]]:
    """Histograms for the report's prefetch section, over the same rows as the metrics:
    ``click_sources`` (clicks per :data:`CLICK_SOURCES` code) and ``prefetch_use``
    (prefetches unused, used). Empty without the navigation workload."""
    clicks = window_columns(view, ClickLog)
    fetches = window_columns(view, PrefetchLog, before_end=True)
    if clicks is None or fetches is None:
        return {}
    used = (fetches["used"] > 0).astype(np.int64)
    return {"click_sources": np.bincount(clicks["prefetched"].astype(np.int64),
                                         minlength=len(CLICK_SOURCES)).astype(float).tolist(),
            "prefetch_use": np.bincount(used, minlength=2).astype(float).tolist()}
