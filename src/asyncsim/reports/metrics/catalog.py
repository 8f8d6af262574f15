"""Importing this module fills the metric registry with every family's metrics."""

from asyncsim.reports.metrics import (  # noqa: F401
    cache,
    core,
    graph,
    live,
    mutation,
    pages,
    pagination,
    prefetch,
    protection,
    recovery,
    replicas,
    retry,
    staleness,
    tiers,
)
from asyncsim.reports.metrics.registry import REGISTRY

FAMILY_ORDER = ("core", "caching", "tiers", "staleness", "retry", "resilience", "recovery",
                "graph", "pages", "prefetch", "pagination", "live")
"""How families are listed everywhere (terminal, README, report), whatever the import order."""

_rank = {family: i for i, family in enumerate(FAMILY_ORDER)}
_ordered = sorted(REGISTRY.values(), key=lambda m: _rank.get(m.family, len(_rank)))
REGISTRY.clear()
REGISTRY.update((m.name, m) for m in _ordered)

__all__ = ["FAMILY_ORDER", "REGISTRY"]
