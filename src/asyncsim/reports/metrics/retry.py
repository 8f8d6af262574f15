"""Metrics of the retry family: retries, their share of backend load, goodput, hedging,
and the contention experiment's calls and completion time.

Layer counters arrive as ``RunResult.layers`` (LayerStats); the contention workload's
results as a ``ContentionTally`` in ``RunResult.logs``.
"""

from __future__ import annotations

import math

from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.metrics.registry import RunView, Values, metric
from asyncsim.sim.outcome import Status
from asyncsim.sim.workload.logs.contention import ContentionTally


def _layer_total(view: RunView, kind: str, counter: str) -> float:
    return sum(s.counters.get(counter, 0.0) for s in view.layers(kind))


def _has_layer(view: RunView, kind: str) -> bool:
    return bool(view.layers(kind))


def _by_hop(view: RunView, name: str, kind: str, counter: str) -> Values:
    """The total over every layer of ``kind``, and, when some are on a service graph's
    hops, one value per tier tagged ``{hop:api->db}`` (``{hop:client}`` for the client's
    layers), so a retry at the client and one at the API are told apart."""
    total = _layer_total(view, kind, counter)
    layers = view.layers(kind)
    if not any(s.hop for s in layers):
        return {name: total}
    per: dict[str, float] = {}
    for stats in layers:
        tier = stats.hop or "client"
        per[tier] = per.get(tier, 0.0) + stats.counters.get(counter, 0.0)
    return {name: total, **{str(ValueKey(name, tag=f"hop:{tier}")): value
                            for tier, value in sorted(per.items())}}


def _per_call_by_hop(view: RunView, name: str, kind: str, counter: str) -> Values:
    """``counter`` per call the layers of ``kind`` handled, in total and per tier."""
    if not _has_layer(view, kind):
        return {}
    made = _by_hop(view, name, kind, counter)
    calls = _by_hop(view, name, kind, "calls")
    return {key: made[key] / calls[key] if calls[key] else math.nan for key in made}


@metric("retries", "counter", "calls", "lower",
        "retry tries sent by retry layers (each may cause several backend calls); in a "
        "service graph also per tier: retries{hop:client}, retries{hop:api->db}",
        family="retry", tags=("hop",))
def retries(view: RunView) -> Values:
    if not _has_layer(view, "retry"):
        return {}
    return _by_hop(view, "retries", "retry", "retries")


@metric("retries_denied", "counter", "calls", "none",
        "retries a retry budget or throttle refused (the request then failed); in a service "
        "graph also per tier ({hop:client}, {hop:api->db})",
        family="retry", tags=("hop",))
def retries_denied(view: RunView) -> Values:
    if not _has_layer(view, "retry"):
        return {}
    return _by_hop(view, "retries_denied", "retry", "denied")


@metric("retry_share", "gauge", "1", "lower",
        "share of backend calls made by retries rather than first tries (with nested retry "
        "layers, a call retried by both counts twice)", family="retry")
def retry_share(view: RunView) -> Values:
    if not _has_layer(view, "retry"):
        return {}
    calls = sum(b.calls for b in view.result.backends.values())
    made = _layer_total(view, "retry", "retry_calls")
    return {"retry_share": made / calls if calls else math.nan}


@metric("hedge_rate", "gauge", "1", "lower",
        "extra copies a hedge layer sent per request it handled; in a service graph also per "
        "tier ({hop:client}, {hop:root->leaf}: over a fan-out's leaves)", family="retry",
        tags=("hop",))
def hedge_rate(view: RunView) -> Values:
    return _per_call_by_hop(view, "hedge_rate", "hedge", "hedges")


@metric("tied_copies", "gauge", "1", "lower",
        "copies a tied-request layer sent per call it handled (each waits in another "
        "replica's queue; the one that starts service first cancels the others); in a "
        "service graph also per tier", family="retry", tags=("hop",))
def tied_copies(view: RunView) -> Values:
    return _per_call_by_hop(view, "tied_copies", "tied", "copies")


@metric("contention_calls", "counter", "calls", "lower",
        "contention workload: conditional writes that reached the server (the AWS post's "
        "'calls')", family="retry")
def contention_calls(view: RunView) -> Values:
    tally = view.result.logs.get(ContentionTally)
    return {} if tally is None else {"contention_calls": float(tally.writes)}


@metric("contention_time", "gauge", "s", "lower",
        "contention workload: when the last client's write succeeded (the AWS post's "
        "'time'; NaN if some never did)", family="retry")
def contention_time(view: RunView) -> Values:
    tally = view.result.logs.get(ContentionTally)
    if tally is None:
        return {}
    everyone = view.count > 0 and int(view.by_status[Status.OK]) == view.count
    return {"contention_time": float(tally.completion_s) if everyone
            else math.nan}


def goodput_series(view: RunView) -> list[float]:
    """Successful requests per second, binned by the time their answer arrived (answers
    after the run's end, while it drains, are left out)."""
    bin_s = view.summaries.series_bin_s
    return [float(c) / bin_s for c in view.summaries.done_ok.tolist()]
