"""Metrics of the retry family: retries, their share of backend load, goodput, hedging,
and the contention experiment's calls and completion time.

Layer counters arrive as ``RunResult.layers`` (LayerStats); the contention workload's
results as a ``ContentionTally`` in ``RunResult.logs``.
"""

from __future__ import annotations

import math

from asyncsim.reports.metrics.registry import RunView, Values, metric
from asyncsim.sim.outcome import Status
from asyncsim.sim.workload.logs.contention import ContentionTally


def _layer_total(view: RunView, kind: str, counter: str) -> float:
    return sum(s.counters.get(counter, 0.0) for s in view.layers(kind))


def _has_layer(view: RunView, kind: str) -> bool:
    return bool(view.layers(kind))


@metric("retries", "counter", "calls", "lower",
        "retry tries sent by retry layers (each may cause several backend calls)",
        family="retry")
def retries(view: RunView) -> Values:
    if not _has_layer(view, "retry"):
        return {}
    return {"retries": _layer_total(view, "retry", "retries")}


@metric("retries_denied", "counter", "calls", "none",
        "retries a retry budget or throttle refused (the request then failed)",
        family="retry")
def retries_denied(view: RunView) -> Values:
    if not _has_layer(view, "retry"):
        return {}
    return {"retries_denied": _layer_total(view, "retry", "denied")}


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
        "extra copies a hedge layer sent per request it handled", family="retry")
def hedge_rate(view: RunView) -> Values:
    if not _has_layer(view, "hedge"):
        return {}
    calls = _layer_total(view, "hedge", "calls")
    return {"hedge_rate": _layer_total(view, "hedge", "hedges") / calls if calls else math.nan}


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
