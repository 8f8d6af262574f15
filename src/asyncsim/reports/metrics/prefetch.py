"""Prefetch metrics: what a click waited, what prefetching cost and what it wasted."""

from __future__ import annotations

from asyncsim.reports.metrics.client_logs import from_log, log_trend, mean_or_nan
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
