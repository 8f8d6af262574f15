"""Metrics of the layers that protect a backend by refusing or replacing calls (breakers,
bulkheads, rate limits, fallbacks), and of what a fault does while it lasts.

Layer counters arrive as ``RunResult.layers`` (LayerStats); the breaker's
time in each state is in microseconds (``open_us``, ``measured_us``), see
``sim/layers/breaker/layer.py``. Fault windows come from ``RunResult.faults``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.metrics.fault_windows import fault_windows
from asyncsim.reports.metrics.registry import RunView, Values, metric
from asyncsim.sim.outcome import Status

TRANSITIONS = {"trip": "trips", "reopen": "reopens", "half_open": "half_opens",
               "close": "closes"}


def _breakers(view: RunView) -> dict[str, Mapping[str, float]]:
    """Counters of every breaker layer, by its label (``<backend>:<position>:breaker``)."""
    return {s.label: s.counters for s in view.layers("breaker")}


@metric("breaker_open_time", "gauge", "1", "lower",
        "share of the measured time a breaker spent open, refusing every call (per-client "
        "breakers: averaged over clients)", family="resilience", tags=("layer",))
def breaker_open_time(view: RunView) -> Values:
    breakers = _breakers(view)
    if not breakers:
        return {}
    values = {str(ValueKey("breaker_open_time", tag=f"layer:{key}")):
              _ratio(c.get("open_us", 0.0), c.get("measured_us", 0.0))
              for key, c in breakers.items()}
    total_open = sum(c.get("open_us", 0.0) for c in breakers.values())
    total_measured = sum(c.get("measured_us", 0.0) for c in breakers.values())
    return {"breaker_open_time": _ratio(total_open, total_measured), **values}


@metric("breaker_transitions", "counter", "transitions", "lower",
        "breaker state changes in the measured window: trip (closed to open), reopen "
        "(a failed trial), half_open, close; many reopens is flapping",
        family="resilience", tags=("kind",))
def breaker_transitions(view: RunView) -> Values:
    breakers = _breakers(view)
    if not breakers:
        return {}
    per = {str(ValueKey("breaker_transitions", tag=f"kind:{kind}")):
           float(sum(c.get(counter, 0.0) for c in breakers.values()))
           for kind, counter in TRANSITIONS.items()}
    return {"breaker_transitions": float(sum(per.values())), **per}


@metric("short_circuited", "counter", "calls", "lower",
        "calls a breaker refused without calling the layer below", family="resilience",
        tags=("layer",))
def short_circuited(view: RunView) -> Values:
    breakers = _breakers(view)
    if not breakers:
        return {}
    per = {str(ValueKey("short_circuited", tag=f"layer:{key}")): float(c.get("short_circuited", 0))
           for key, c in breakers.items()}
    return {"short_circuited": float(sum(per.values())), **per}


@metric("throttle_rejection", "gauge", "1", "none",
        "share of the calls a client-side adaptive throttle (SRE book) refused locally",
        family="resilience")
def throttle_rejection(view: RunView) -> Values:
    layers = view.layers("throttle")
    if not layers:
        return {}
    calls = sum(s.counters.get("requests", 0.0) for s in layers)
    refused = sum(s.counters.get("rejected", 0.0) for s in layers)
    return {"throttle_rejection": _ratio(refused, calls)}


@metric("concurrency_limit", "gauge", "calls", "none",
        "time-average limit an adaptive concurrency limiter learned (calls in flight it "
        "allows)", family="resilience", tags=("layer",))
def concurrency_limit(view: RunView) -> Values:
    per = {str(ValueKey("concurrency_limit", tag=f"layer:{s.label}")): s.gauges.get("limit", 0.0)
           for s in view.layers("limiter")}
    if not per:
        return {}
    return {"concurrency_limit": float(sum(per.values()) / len(per)), **per}


@metric("fallback_rate", "rate", "1", "none",
        "share of requests answered by a fallback value (not a success: the data is static "
        "or old; not an error either)", family="resilience")
def fallback_rate(view: RunView) -> Values:
    return {"fallback_rate": view.status_share(Status.FALLBACK)}


@metric("fault_backend_load", "gauge", "calls/s", "lower",
        "backend calls per second caused by the requests that started while a fault was "
        "active (what a struggling backend still receives)", family="resilience")
def fault_backend_load(view: RunView) -> Values:
    windows = fault_windows(view)
    if not windows:
        return {}
    inside = view.bins_in(windows)
    span = sum(end - start for start, end in windows)
    calls = float(view.summaries.attempts[inside].sum())
    return {"fault_backend_load": calls / span}


@metric("breaker_recovery", "gauge", "s", "lower",
        "how long breakers kept refusing calls after the last fault ended: the start of the "
        "last short-circuited request minus the fault's end (0 if none was refused after)",
        family="resilience")
def breaker_recovery(view: RunView) -> Values:
    windows = fault_windows(view)
    if not windows:
        return {}
    last_end = max(end for _, end in windows)
    later = view.summaries.short_circuit_last_s[view.bin_at(last_end):]
    last = float(later.max()) if len(later) else -math.inf
    return {"breaker_recovery": last - last_end if last >= last_end else 0.0}


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole > 0 else math.nan
