"""Prefetch metrics: what a click waited, what prefetching cost and what it wasted."""

from __future__ import annotations

from asyncsim.reports.metrics.client_logs import mean_or_nan, window_columns
from asyncsim.reports.metrics.registry import RunView, Values, metric, trend_stats, value_key

FAMILY = "prefetch"


@metric("clicks", "counter", "clicks", "none", "clicks on links after warm-up", family=FAMILY)
def clicks(view: RunView) -> Values:
    columns = window_columns(view, "clicks")
    return {} if columns is None else {"clicks": float(len(columns["latency_s"]))}


@metric("click_latency", "trend", "s", "lower",
        "from a click until the linked page's data was there (0 when a prefetch had it ready)",
        family=FAMILY)
def click_latency(view: RunView) -> Values:
    columns = window_columns(view, "clicks")
    return {} if columns is None else {value_key("click_latency", s): v for s, v in
                                       trend_stats(columns["latency_s"]).items()}


@metric("prefetch_hit_rate", "rate", "1", "higher",
        "share of clicks served by a prefetch: ready, still in flight, or through the cache",
        family=FAMILY)
def prefetch_hit_rate(view: RunView) -> Values:
    columns = window_columns(view, "clicks")
    return {} if columns is None else {
        "prefetch_hit_rate": mean_or_nan((columns["prefetched"] > 0).astype(float))}


@metric("prefetches", "counter", "req", "none",
        "prefetches started in the measured window", family=FAMILY)
def prefetches(view: RunView) -> Values:
    columns = window_columns(view, "prefetches", before_end=True)
    return {} if columns is None else {"prefetches": float(len(columns["used"]))}


@metric("prefetch_waste", "rate", "1", "lower",
        "share of prefetches that no click ever used", family=FAMILY)
def prefetch_waste(view: RunView) -> Values:
    columns = window_columns(view, "prefetches", before_end=True)
    return {} if columns is None else {
        "prefetch_waste": mean_or_nan((columns["used"] == 0).astype(float))}


@metric("prefetch_extra_calls", "counter", "calls", "lower",
        "backend calls made by prefetches that no click used: load prefetching added for "
        "nothing", family=FAMILY)
def prefetch_extra_calls(view: RunView) -> Values:
    columns = window_columns(view, "prefetches", before_end=True)
    return {} if columns is None else {
        "prefetch_extra_calls": float(columns["attempts"][columns["used"] == 0].sum())}
