"""Caching family: where answers came from (cache, another request's call, own call) and
what the cache layers held and did."""

from __future__ import annotations

from collections.abc import Callable

from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.metrics.registry import RunView, Values, metric
from asyncsim.sim.layer_books import LayerStats
from asyncsim.sim.outcome import Source

FAMILY = "caching"


@metric("hit_rate", "rate", "1", "higher",
        "share of requests answered by a cache at once: fresh and stale hits (a remembered "
        "failure, with negative caching, counts too)", family=FAMILY)
def hit_rate(view: RunView) -> Values:
    return {"hit_rate": view.source_share(Source.FRESH_HIT, Source.STALE_HIT)}


@metric("fresh_hit_rate", "rate", "1", "higher",
        "share of requests answered by a cache entry within its freshness time", family=FAMILY)
def fresh_hit_rate(view: RunView) -> Values:
    return {"fresh_hit_rate": view.source_share(Source.FRESH_HIT)}


@metric("stale_hit_rate", "rate", "1", "none",
        "share of requests answered at once by a cache entry past its freshness time (each "
        "starts a background revalidation unless one is in flight)", family=FAMILY)
def stale_hit_rate(view: RunView) -> Values:
    return {"stale_hit_rate": view.source_share(Source.STALE_HIT)}


@metric("coalesced_rate", "rate", "1", "none",
        "share of requests that got another request's result for the same key (joined its "
        "call in flight, or within a dedup window) instead of calling", family=FAMILY)
def coalesced_rate(view: RunView) -> Values:
    return {"coalesced_rate": view.source_share(Source.COALESCED)}


@metric("miss_rate", "rate", "1", "lower",
        "share of requests that waited for calls of their own, whatever they returned: "
        "1 − hit_rate − coalesced_rate", family=FAMILY, idle=1.0)
def miss_rate(view: RunView) -> Values:
    return {"miss_rate": 1.0 - view.source_share(Source.FRESH_HIT, Source.STALE_HIT,
                                                 Source.COALESCED)}


def _per_layer(view: RunView, name: str, read: Callable[[LayerStats], float]) -> Values:
    """The total over cache layers and one value per layer, tagged ``<backend>/<position>``
    (none without cache layers)."""
    layers = {f"{s.target}/{s.position}": s for s in view.layers("cache")}
    if not layers:
        return {}
    per = {str(ValueKey(name, tag=f"layer:{layer}")): float(read(stats))
           for layer, stats in sorted(layers.items())}
    return {name: sum(per.values()), **per}


@metric("cache_size", "gauge", "entries", "none",
        "time-average number of entries a cache layer holds (summed over clients for a "
        "per-client cache); cache_size{layer:<backend>/<position>} per layer",
        family=FAMILY, tags=("layer",))
def cache_size(view: RunView) -> Values:
    return _per_layer(view, "cache_size", lambda s: s.gauges.get("entries", 0.0))


@metric("evictions", "counter", "entries", "none",
        "entries a full cache evicted to make room (expiries not counted)",
        family=FAMILY, tags=("layer",))
def evictions(view: RunView) -> Values:
    return _per_layer(view, "evictions", lambda s: s.counters.get("evictions", 0.0))


@metric("revalidations", "counter", "calls", "none",
        "background revalidations that stale hits started (one per key at a time)",
        family=FAMILY, tags=("layer",))
def revalidations(view: RunView) -> Values:
    return _per_layer(view, "revalidations",
                      lambda s: s.counters.get("revalidations", 0.0))
