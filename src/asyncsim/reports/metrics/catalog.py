"""Importing this module fills the metric registry with every family's metrics, then
derives the rates per second of the counters users read as rates.

Rates beside counts: ``retries_per_s`` is ``retries`` over the measured window, with the
same tags (``rejected_per_s{layer:...}``), so a reader compares runs of different lengths,
and a rate with the arrival rate. One definition each: a rate is made from its counter's
registered function (no second way to count), divided by ``RunView.window_s``; it has the
counter's family, tags and direction, is absent where the counter is, and is listed right
after it.
"""

from dataclasses import replace

from asyncsim.lang.value_key import ValueKey
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
from asyncsim.reports.metrics.registry import REGISTRY, Metric, RunView, Values, register

RATED = ("retries", "retries_denied", "rejected", "shed", "dropped", "short_circuited",
         "breaker_transitions")
"""The counters users read as rates: retries, refusals (throttles, limiters, full queues),
sheds, drops, short circuits and breaker trips."""


def per_second(counter: Metric) -> Metric:
    """The metric ``<counter>_per_s``: each of the counter's values per second."""
    name = f"{counter.name}_per_s"

    def compute(view: RunView) -> Values:
        return {str(replace(ValueKey.parse(key), name=name)): value / view.window_s
                for key, value in counter.compute(view).items()}

    return Metric(name, "gauge", f"{counter.unit}/s", counter.better,
                  f"{counter.name} per second of measured time", compute, counter.family,
                  counter.tags, counter.idle)


for _name in RATED:
    register(per_second(REGISTRY[_name]))

FAMILY_ORDER = ("core", "caching", "tiers", "staleness", "retry", "resilience", "recovery",
                "graph", "pages", "prefetch", "pagination", "live")
"""How families are listed everywhere (terminal, README, report), whatever the import order."""

_rank = {family: i for i, family in enumerate(FAMILY_ORDER)}
_position = {name: float(i) for i, name in enumerate(REGISTRY)}
_position.update({f"{name}_per_s": _position[name] + 0.5 for name in RATED})
"""A rate right after its counter (registered last, above)."""
_ordered = sorted(REGISTRY.values(),
                  key=lambda m: (_rank.get(m.family, len(_rank)), _position[m.name]))
REGISTRY.clear()
REGISTRY.update((m.name, m) for m in _ordered)

__all__ = ["FAMILY_ORDER", "RATED", "REGISTRY"]
