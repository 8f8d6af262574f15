"""Cache tiers: when a request's path has several caches (a browser cache, a shared edge
cache in front of the API, the API's cache of its database), how many lookups reached
each tier and how many it answered.

A tier is one cache layer, named as ``cache_size`` names it: ``<chain>/<position>``, the
chain being the backend for the client's stack (``api/0`` the outermost, a browser cache;
``api/1`` an edge cache below it) or the hop for a service's (``api->db/0``). A lookup is
a request that reached the layer; a hit is answered by it at once (fresh, stale or a
remembered failure). What a tier passes down is its misses, less those that joined a
fetch in flight (coalesced), plus its background revalidations: with nothing between two
tiers, the next tier's lookups are exactly that (tests/validation/test_cache_tiers.py).
These values exist for a run with two cache layers or more, or with a cache in a service
graph (so a strategy with one tier compares with one with three); a single cache in front
of one backend has hit_rate.
"""

from __future__ import annotations

import math

from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.metrics.registry import RunView, Values, metric
from asyncsim.sim.layer_books import LayerStats

FAMILY = "tiers"
"""Its own family, so the caching section does not list the tiers' rows again."""
HITS = ("fresh_hits", "negative_hits", "stale_hits")


def lookups(stats: LayerStats) -> float:
    """Requests that reached a cache layer."""
    return sum(stats.counters.get(name, 0.0) for name in (*HITS, "misses"))


def passed_down(stats: LayerStats) -> float:
    """Calls a cache layer made to the layer below it."""
    c = stats.counters
    return c.get("misses", 0.0) - c.get("coalesced", 0.0) + c.get("revalidations", 0.0)


def _tiers(view: RunView) -> dict[str, LayerStats]:
    layers = view.layers("cache")
    if not layers or (len(layers) < 2 and view.result.graph is None):
        return {}
    return {f"{s.target}/{s.position}": s for s in layers}


@metric("tier_hit_rate", "rate", "1", "higher",
        "with several cache tiers on a path (or a cache in a service graph), the share of "
        "the lookups that reached a tier that it answered at once: "
        "tier_hit_rate{tier:<chain>/<position>} (api/0 the client's outermost cache, "
        "api->db/0 a cache on the API's calls to db)",
        family=FAMILY, tags=("tier",))
def tier_hit_rate(view: RunView) -> Values:
    out: Values = {}
    for tier, stats in _tiers(view).items():
        seen = lookups(stats)
        hits = sum(stats.counters.get(name, 0.0) for name in HITS)
        out[str(ValueKey("tier_hit_rate", tag=f"tier:{tier}"))] = (hits / seen if seen
                                                                  else math.nan)
    return out


@metric("tier_lookups", "gauge", "req/s", "none",
        "with several cache tiers on a path, lookups per second that reached each tier "
        "(the tier above's misses that called, plus its revalidations)",
        family=FAMILY, tags=("tier",))
def tier_lookups(view: RunView) -> Values:
    if view.window_s <= 0:
        return {}
    return {str(ValueKey("tier_lookups", tag=f"tier:{tier}")): lookups(stats) / view.window_s
            for tier, stats in _tiers(view).items()}
