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

    def lists(self, key: str) -> bool:
        """Whether the section's table has a row for this value key."""
        name = ValueKey.parse(key).name
        metric = REGISTRY.get(name)
        return name in self.core_rows or (metric is not None and metric.family in self.families)

    def lit(self, summary: Mapping[str, Any]) -> bool:
        """Some strategy has a pattern metric of a lighting family away from its idle value."""
        for strategy in summary["strategies"].values():
            for key, entry in strategy["values"].items():
                metric = REGISTRY.get(ValueKey.parse(key).name)
                if (metric is not None and metric.family != "core"
                        and metric.family in self.lit_by
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
