"""The run report's topic sections, and what lights each one.

Which metrics belong to a section comes from the registry (every metric has a family),
so a metric added to a family shows up in its section by itself. A section appears when
the run has something to show in it: a strategy with a layer of its kinds, or a pattern
metric of a family that lights it away from its idle value (``fallback_rate`` with no
fallback, ``miss_rate`` 1 with no cache, say nothing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.reports.metrics.registry import Metric


@dataclass(frozen=True)
class Topic:
    """One chart section of the report and the metrics of its table."""

    id: str
    title: str
    intro: str
    families: frozenset[str]
    """Registry families whose metrics the section's table lists."""
    lit_by: frozenset[str]
    """Families whose non-idle values light the section (core metrics never do)."""
    layers: frozenset[str]
    """Layer kinds (as a scenario names them) that light the section."""
    core_rows: frozenset[str] = frozenset()
    """Core metrics the table lists too, because the section's charts draw them."""
    modules: frozenset[str] = frozenset()
    """When set, only metrics defined in these modules of ``reports/metrics`` (the live
    family is two: live views and changes, each with its own section)."""

    def lists(self, key: str) -> bool:
        """Whether the section's table has a row for this value key."""
        name = ValueKey.parse(key).name
        metric = REGISTRY.get(name)
        return name in self.core_rows or (metric is not None and self._covers(metric))

    def _covers(self, metric: Metric) -> bool:
        return metric.family in self.families and (
            not self.modules or metric.compute.__module__.rsplit(".", 1)[-1] in self.modules)

    def lit(self, summary: Mapping[str, Any]) -> bool:
        """Some strategy has a pattern metric of a lighting family away from its idle value."""
        for strategy in summary["strategies"].values():
            for key, entry in strategy["values"].items():
                metric = REGISTRY.get(ValueKey.parse(key).name)
                if (metric is not None and metric.family != "core"
                        and metric.family in self.lit_by and self._covers(metric)
                        and not metric.says_nothing([entry.get("mean")])):
                    return True
        return False


CACHING = Topic(
    "caching", "Caching", "Where answers came from, and how out of date they were.",
    families=frozenset({"caching", "staleness"}),
    # Staleness alone lights nothing: an answer can go stale in flight without any cache.
    lit_by=frozenset({"caching"}),
    layers=frozenset({"cache", "dedup"}))
RESILIENCE = Topic(
    "resilience", "Resilience", "Retries, breakers and timeouts: extra attempts, time spent "
    "open, the useful work done over time, and whether it came back after each fault.",
    families=frozenset({"retry", "resilience", "recovery"}),
    lit_by=frozenset({"retry", "resilience", "recovery"}),
    layers=frozenset({"retry", "timeout", "breaker", "hedge", "bulkhead", "ratelimit",
                      "throttle", "limiter", "fallback"}),
    core_rows=frozenset({"attempts", "goodput"}))

GRAPH = Topic(
    "graph", "Service graph", "The calls between services: how many went down each edge "
    "per second and per user request, how long each backend and each hop took, and where a "
    "calling backend's time went.",
    families=frozenset({"graph"}), lit_by=frozenset({"graph"}), layers=frozenset())
CACHE_TIERS = Topic(
    "cache-tiers", "Cache tiers", "A path with several caches (a browser's, a shared edge "
    "cache, a service's cache of its database): the lookups that reached each tier, and "
    "the share each answered.",
    families=frozenset({"tiers"}), lit_by=frozenset({"tiers"}), layers=frozenset())


def _pattern(id: str, title: str, intro: str, family: str, module: str = "") -> Topic:
    """A workload pattern's section: its family's metrics, lit when the run has them."""
    return Topic(id, title, intro, families=frozenset({family}), lit_by=frozenset({family}),
                 layers=frozenset(), modules=frozenset({module}) if module else frozenset())


PAGES = _pattern("pages", "Page loads", "A typical view of the page per strategy: when each "
                 "resource was requested and answered, and when each Suspense boundary "
                 "showed its content.", "pages")
PREFETCH = _pattern("prefetch", "Prefetch", "What served each click, and how many prefetches "
                    "no click ever used.", "prefetch")
PAGINATION = _pattern("pagination", "Pagination", "Items a reader saw twice or never, by the "
                      "page that showed or passed them.", "pagination")
LIVE = _pattern("live", "Live views", "How outdated what users saw was while their tab was "
                "visible, and what keeping it fresh cost.", "live", "live")
OPTIMISTIC = _pattern("optimistic", "Optimistic updates", "Changes shown before the server "
                      "answered: how often they were taken back, and how often they "
                      "flickered.", "live", "mutation")
PATTERNS = (PAGES, PREFETCH, PAGINATION, LIVE, OPTIMISTIC)
"""The workload pattern sections, in page order (after caching and resilience)."""
