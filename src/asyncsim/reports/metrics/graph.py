"""Service-graph metrics: latency per backend and per hop, where a backend's time goes
(its own work against waiting on each step), calls and amplification on each edge, and
how long fan-outs wait for their slowest leaves.

They read ``RunResult.graph`` (sim/graph_times.py), which a run has only when a backend
has ``calls``; every value covers the calls made for user requests started after warm-up.
Hop and edge names are ``caller->callee`` (``api->db``), the client's edge is
``client-><backend>``.
"""

from __future__ import annotations

import math
from fractions import Fraction

from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.metrics.registry import Distribution, RunView, Values, metric, trend
from asyncsim.sim.graph_times import GraphTimes
from asyncsim.sim.measure.streams import ValueSummary

FAMILY = "graph"


def _graph(view: RunView) -> GraphTimes | None:
    return view.result.graph


def _distribution(summary: ValueSummary) -> Distribution:
    return Distribution(summary.count, summary.mean, summary.min, summary.max,
                        summary.histogram)


@metric("backend_latency", "trend", "s", "lower",
        "service graph: time a backend took to answer a call, from its arrival (queueing, "
        "own work and waits on its downstream calls included), over calls from any caller",
        family=FAMILY, tags=("backend",))
def backend_latency(view: RunView) -> Values:
    return _latencies(view, "backend_latency", hops=False, tag="backend")


@metric("hop_latency", "trend", "s", "lower",
        "service graph: time a hop's call took as its caller saw it (the hop's layers, "
        "retries, backoff and timeouts included); a fan-out hop's call is the whole fan-out",
        family=FAMILY, tags=("hop",))
def hop_latency(view: RunView) -> Values:
    return _latencies(view, "hop_latency", hops=True, tag="hop")


def _latencies(view: RunView, metric_name: str, hops: bool, tag: str) -> Values:
    """The trends of the timed backends (``db``) or of the timed hops (``api->db``)."""
    graph = _graph(view)
    if graph is None:
        return {}
    out: Values = {}
    for name, summary in graph.latency_s.items():
        if ("->" in name) == hops:
            out.update(trend(metric_name, _distribution(summary), tag=f"{tag}:{name}"))
    return out


@metric("time_split", "gauge", "s", "none",
        "service graph: where a call to a backend with calls spends its time, mean per "
        "call: time_split{part:<backend>:own} is its own share (queueing, own work before "
        "and after the calls), time_split{part:<step>} the wait on each step (api->db; "
        "parallel calls api->search+recs, waited on together); the parts add up to "
        "backend_latency{backend:<backend>}.avg", family=FAMILY, tags=("part",))
def time_split(view: RunView) -> Values:
    graph = _graph(view)
    if graph is None:
        return {}
    out: Values = {}
    for backend, waits in graph.step_wait_s.items():
        latency = graph.latency_s.get(backend)
        calls = latency.count if latency is not None else 0
        if latency is None or not calls:
            continue
        waited = sum(waits.values())
        out[str(ValueKey("time_split", tag=f"part:{backend}:own"))] = (
            (latency.sum - waited) / calls)
        for step, total in waits.items():
            out[str(ValueKey("time_split", tag=f"part:{step}"))] = total / calls
    return out


@metric("edge_calls", "gauge", "calls/s", "none",
        "service graph: calls per second that went down each edge to its callee "
        "(client->api below the client's layers; api->db below the hop's: retries, hedge "
        "copies and every fan-out leaf count)", family=FAMILY, tags=("edge",))
def edge_calls(view: RunView) -> Values:
    graph = _graph(view)
    if graph is None or view.window_s <= 0:
        return {}
    return {str(ValueKey("edge_calls", tag=f"edge:{edge}")): count / view.window_s
            for edge, count in graph.edge_calls.items()}


@metric("edge_amplification", "gauge", "calls/req", "lower",
        "service graph: calls down each edge per user request (the retries of every tier "
        "above it multiplied in: 3 tiers of 3 retries can reach 4 x 4 x 4 = 64)",
        family=FAMILY, tags=("edge",))
def edge_amplification(view: RunView) -> Values:
    graph = _graph(view)
    if graph is None:
        return {}
    return {str(ValueKey("edge_amplification", tag=f"edge:{edge}")):
            count / view.count if view.count else math.nan
            for edge, count in graph.edge_calls.items()}


@metric("fanout_slowest_share", "gauge", "1", "lower",
        "share of a fan-out's time spent waiting for its slowest leaves: over the measured "
        "fan-outs, the sum of (end − first leaf's answer) over the sum of (end − start), "
        "the end being the k-th success (or the failure that made k unreachable); 0 when "
        "every leaf answers at once. N exponential leaves, wait for all: (H_N − 1/N)/H_N",
        family=FAMILY, tags=("hop",))
def fanout_slowest_share(view: RunView) -> Values:
    graph = _graph(view)
    if graph is None or not graph.fanouts:
        return {}
    out: Values = {}
    waited = total = 0
    for hop, times in graph.fanouts.items():
        hop_waited = times.end_s.total - times.first_s.total  # exact sums: no rounding yet
        out[str(ValueKey("fanout_slowest_share", tag=f"hop:{hop}"))] = _ratio(
            hop_waited, times.end_s.total)
        waited += hop_waited
        total += times.end_s.total
    return {"fanout_slowest_share": _ratio(waited, total), **out}


def _ratio(part: int, whole: int) -> float:
    return float(Fraction(part, whole)) if whole > 0 else math.nan
