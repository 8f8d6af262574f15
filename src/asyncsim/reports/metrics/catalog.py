"""Importing this module fills the metric registry with every family's metrics."""

from asyncsim.reports.metrics import (  # noqa: F401
    cache,
    core,
    live,
    mutation,
    pages,
    pagination,
    prefetch,
    protection,
    rates,
    recovery,
    replicas,
    retry,
    staleness,
)
from asyncsim.reports.metrics.registry import REGISTRY

FAMILY_ORDER = ("core", "caching", "staleness", "retry", "resilience", "recovery", "pages",
                "prefetch", "pagination", "live")
"""How families are listed everywhere (terminal, README, report), whatever the import order."""

_rank = {family: i for i, family in enumerate(FAMILY_ORDER)}
_position = {name: float(i) for i, name in enumerate(REGISTRY)}
_position.update({f"{name}_per_s": _position[name] + 0.5 for name in rates.RATED})
"""A rate right after its counter (rates.py registers them last)."""
_ordered = sorted(REGISTRY.values(),
                  key=lambda m: (_rank.get(m.family, len(_rank)), _position[m.name]))
REGISTRY.clear()
REGISTRY.update((m.name, m) for m in _ordered)

__all__ = ["FAMILY_ORDER", "REGISTRY"]
