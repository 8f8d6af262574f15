"""Per-replica metrics of replicated backends: how the balancer spread the load, how each
replica answered, and what outlier ejection did.

Values per replica are tagged ``{replica:<backend>/<i>}`` and kept for backends of at most
:data:`MAX_TAGGED_REPLICAS` replicas (a fan-out to 100 leaves would otherwise put hundreds
of keys in every summary); the per-backend aggregates (imbalance, ejections) always are.
A backend without replicas has none of these values.
"""

from __future__ import annotations

import math

from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.metrics.registry import RunView, Values, metric

MAX_TAGGED_REPLICAS = 16


def _per_replica(view: RunView, name: str, values: dict[str, list[float]]) -> Values:
    out: Values = {}
    for backend, per in values.items():
        if len(per) <= MAX_TAGGED_REPLICAS:
            for index, value in enumerate(per):
                out[str(ValueKey(name, tag=f"replica:{backend}/{index}"))] = value
    return out


@metric("replica_share", "gauge", "1", "none",
        "share of a replicated backend's calls the balancer sent to each replica",
        tags=("replica",))
def replica_share(view: RunView) -> Values:
    shares = {}
    for backend, replicas in view.result.replicas.items():
        total = sum(r.calls for r in replicas)
        shares[backend] = [r.calls / total if total else math.nan for r in replicas]
    return _per_replica(view, "replica_share", shares)


@metric("replica_latency", "gauge", "s", "lower",
        "mean time a replica took to answer the calls sent to it (queueing included)",
        tags=("replica",))
def replica_latency(view: RunView) -> Values:
    return _per_replica(view, "replica_latency", {
        backend: [r.mean_latency_s for r in replicas]
        for backend, replicas in view.result.replicas.items()})


@metric("replica_utilisation", "gauge", "1", "none",
        "time-average share of a replica's workers busy", tags=("replica",))
def replica_utilisation(view: RunView) -> Values:
    return _per_replica(view, "replica_utilisation", {
        backend: [r.utilisation for r in replicas]
        for backend, replicas in view.result.replicas.items()})


@metric("load_imbalance", "gauge", "1", "lower",
        "calls of the busiest replica over the mean per replica (1 = even)",
        tags=("backend",))
def load_imbalance(view: RunView) -> Values:
    out: Values = {}
    for backend, replicas in view.result.replicas.items():
        calls = [r.calls for r in replicas]
        mean = sum(calls) / len(calls)
        out[str(ValueKey("load_imbalance", tag=f"backend:{backend}"))] = (
            max(calls) / mean if mean else math.nan)
    return out


@metric("ejections", "counter", "ejections", "none",
        "outlier ejections of a replicated backend's replicas in the measured window",
        tags=("backend",))
def ejections(view: RunView) -> Values:
    return {str(ValueKey("ejections", tag=f"backend:{backend}")):
            float(sum(r.ejections for r in replicas))
            for backend, replicas in view.result.replicas.items()}


@metric("ejected_share", "gauge", "1", "none",
        "share of replica-time spent ejected (over all replicas of the backend)",
        tags=("backend",))
def ejected_share(view: RunView) -> Values:
    return {str(ValueKey("ejected_share", tag=f"backend:{backend}")):
            sum(r.ejected_s for r in replicas) / (len(replicas) * view.window_s)
            if view.window_s > 0 else math.nan
            for backend, replicas in view.result.replicas.items()}
