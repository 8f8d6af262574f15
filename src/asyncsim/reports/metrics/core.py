"""Metrics every run has: latency, outcomes, backend load."""

from __future__ import annotations

import math
from collections.abc import Callable

from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.metrics.fault_windows import window_spans
from asyncsim.reports.metrics.registry import RunView, Values, metric, trend
from asyncsim.sim.measure.summaries import TAIL_SHARE
from asyncsim.sim.outcome import Status
from asyncsim.sim.simulation import BackendResult
from asyncsim.sim.workload.units.request import RequestClasses

GOODPUT_END_SHARE = TAIL_SHARE
"""goodput_end looks at the requests started in this last share of the run (a bin edge)."""


def request_classes(view: RunView) -> list[tuple[str, int]]:
    """Each request class of the workload (workload.classes) with its index; none
    without classes."""
    log = view.result.logs.get(RequestClasses)
    if log is None:
        return []
    return [(c.name, index) for index, c in enumerate(log.classes)]


@metric("latency", "trend", "s", "lower",
        "user-perceived time from request start to outcome delivered (queueing, retries, "
        "backoff and hedges included); with request classes, also per class",
        tags=("class",))
def latency(view: RunView) -> Values:
    values = trend("latency", view.latency())
    for name, index in request_classes(view):
        if view.class_requests(index):
            values.update(trend("latency", view.latency(index), tag=f"class:{name}"))
    return values


@metric("requests", "counter", "req", "none", "user requests started after warm-up")
def requests(view: RunView) -> Values:
    return {"requests": float(view.count)}


@metric("throughput", "gauge", "req/s", "none", "user requests per second of measured time")
def throughput(view: RunView) -> Values:
    return {"throughput": view.count / view.window_s}


@metric("success_rate", "rate", "1", "higher",
        "share of requests that got real data; with request classes, also per class (the "
        "class's availability)", tags=("class",))
def success_rate(view: RunView) -> Values:
    values = {"success_rate": view.status_share(Status.OK)}
    for name, index in request_classes(view):
        if total := view.class_requests(index):
            values[str(ValueKey("success_rate", tag=f"class:{name}"))] = (
                float(view.class_requests(index, Status.OK)) / float(total))
    return values


FAILED = (Status.ERROR, Status.TIMEOUT, Status.REJECTED, Status.SHORT_CIRCUITED)


@metric("error_rate", "rate", "1", "lower",
        "share of requests that ended without data (server error, timeout, rejected, "
        "short-circuited); a fallback is not an error but is not a success either. With "
        "faults, also per window: before_fault, during_fault, after_fault (by start time)",
        tags=("window",))
def error_rate(view: RunView) -> Values:
    values = {"error_rate": view.status_share(*FAILED)}
    for window, spans in window_spans(view).items():
        inside = view.bins_in(spans)
        if total := view.requests_in(inside):
            values[str(ValueKey("error_rate", tag=f"window:{window}"))] = (
                float(view.requests_in(inside, *FAILED)) / float(total))
    return values


@metric("errors_by_kind", "rate", "1", "lower",
        "share of requests ending in each kind of failure: error, timeout, rejected, "
        "short_circuited", tags=("kind",))
def errors_by_kind(view: RunView) -> Values:
    kinds = {"error": Status.ERROR, "timeout": Status.TIMEOUT, "rejected": Status.REJECTED,
             "short_circuited": Status.SHORT_CIRCUITED}
    return {str(ValueKey("errors_by_kind", tag=f"kind:{k}")): view.status_share(s)
            for k, s in kinds.items()}


def per_backend(view: RunView, name: str, value: Callable[[BackendResult], float],
                total: bool = False) -> Values:
    """One value per backend, tagged ``{backend:<name>}``, plus their sum when ``total``."""
    per = {str(ValueKey(name, tag=f"backend:{n}")): value(b)
           for n, b in view.result.backends.items()}
    return {name: float(sum(per.values())), **per} if total else per


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")


@metric("backend_calls", "counter", "calls", "lower",
        "calls that reached a backend in the measured window", tags=("backend",))
def backend_calls(view: RunView) -> Values:
    return per_backend(view, "backend_calls", lambda b: b.calls, total=True)


@metric("amplification", "gauge", "calls/req", "lower",
        "backend calls per user request (retries and hedges raise it, caches lower it)")
def amplification(view: RunView) -> Values:
    calls = sum(b.calls for b in view.result.backends.values())
    return {"amplification": _ratio(calls, view.count)}


@metric("backend_utilisation", "gauge", "1", "none",
        "time-average share of a backend's workers that are busy", tags=("backend",))
def backend_utilisation(view: RunView) -> Values:
    return per_backend(view, "backend_utilisation", lambda b: b.utilisation)


@metric("queue_length", "gauge", "calls", "lower",
        "time-average number of calls waiting for a worker", tags=("backend",))
def queue_length(view: RunView) -> Values:
    return per_backend(view, "queue_length", lambda b: b.mean_queue_length)


@metric("queue_wait", "gauge", "s", "lower",
        "mean time a backend call waited for a worker (calls that were served)",
        tags=("backend",))
def queue_wait(view: RunView) -> Values:
    return per_backend(view, "queue_wait", lambda b: _ratio(b.wait_s, b.served))


@metric("wait_share", "rate", "1", "lower",
        "share of backend calls that found every worker busy and had to queue",
        tags=("backend",))
def wait_share(view: RunView) -> Values:
    return per_backend(view, "wait_share", lambda b: _ratio(b.queued, b.calls))


@metric("rejected", "counter", "calls", "lower",
        "calls refused for lack of capacity: by a backend whose queue was full, or on the "
        "client by a layer that refuses locally (bulkhead, rate limit, concurrency limiter, "
        "adaptive throttling)", tags=("backend", "layer"))
def rejected(view: RunView) -> Values:
    per = per_backend(view, "rejected", lambda b: b.rejected)
    per.update({str(ValueKey("rejected", tag=f"layer:{s.label}")): float(s.counters["rejected"])
                for s in view.layers() if "rejected" in s.counters})
    return {"rejected": float(sum(per.values())), **per}


@metric("dropped", "counter", "calls", "lower",
        "queued backend calls skipped because their client deadline had passed",
        tags=("backend",))
def dropped(view: RunView) -> Values:
    return per_backend(view, "dropped", lambda b: b.dropped, total=True)


@metric("shed", "counter", "calls", "lower",
        "backend calls a shedding queue refused: waited too long (codel, max_wait) or of a "
        "class it sheds (shed); only for backends whose queue sheds", tags=("backend",))
def shed(view: RunView) -> Values:
    per = {str(ValueKey("shed", tag=f"backend:{n}")): float(b.shed)
           for n, b in view.result.backends.items() if b.shed is not None}
    return {"shed": float(sum(per.values())), **per} if per else {}


@metric("attempts", "gauge", "calls/req", "none",
        "mean backend attempts a user request caused, as seen by the client")
def attempts(view: RunView) -> Values:
    total = int(view.summaries.attempts[view.measured_bins].sum())
    return {"attempts": total / view.count if view.count else float("nan")}


@metric("goodput", "gauge", "req/s", "higher",
        "successful requests per second of measured time. With faults, also per window: "
        "before_fault, during_fault, after_fault (requests by start time, per second of "
        "the window)", tags=("window",))
def goodput(view: RunView) -> Values:
    values = {"goodput": int(view.by_status[Status.OK]) / view.window_s}
    for window, spans in window_spans(view).items():
        span_s = sum(end - start for start, end in spans)
        values[str(ValueKey("goodput", tag=f"window:{window}"))] = (
            view.requests_in(view.bins_in(spans), Status.OK) / span_s)
    return values


@metric("goodput_end", "gauge", "req/s", "higher",
        "successful requests per second among those started in the last 10% of the run: "
        "whether goodput recovered after a fault")
def goodput_end(view: RunView) -> Values:
    span = view.window_s * GOODPUT_END_SHARE
    late = view.bins_in([(view.result.duration_s - span, math.inf)])
    return {"goodput_end": view.requests_in(late, Status.OK) / span}
