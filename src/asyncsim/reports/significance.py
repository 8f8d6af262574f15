"""Which strategy is better on a value, and whether the difference is more than noise.

One rule for the headline, the highlighted table cells and the tradeoff chart: strategies
of one run share their random numbers (common random numbers), so two strategies are
compared by the paired difference per replication, and "best" means significantly
better than every other strategy (Holm-adjusted over those comparisons, 5%). With one
replication there is no noise estimate: only values that differ are ranked, and the
reader is told so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from asyncsim.lang.thresholds import EQUAL_REL_TOL
from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.compare.differences import difference
from asyncsim.reports.stats import holm_adjust

ALPHA = 0.05

NEVER_BEST_STATS = frozenset({"min"})
"""A minimum says nothing about a strategy (one lucky request)."""
RELATIVE_METRICS = frozenset({"errors_by_kind", "stale_hit_rate", "coalesced_rate"})
"""Metrics whose value depends on the rest of the outcome mix: fewer 'error' failures may
only mean timeouts reclassified them, so a low value is not a merit of its own."""


def values_of(summary: Mapping[str, Any], strategy: str, key: str) -> list[Any]:
    reps: list[Any] = summary["strategies"][strategy].get("replications", {}).get(key, [])
    return reps


def mean_of(summary: Mapping[str, Any], strategy: str, key: str) -> float:
    entry = summary["strategies"][strategy]["values"].get(key)
    value = entry.get("mean") if entry else None
    return float(value) if isinstance(value, int | float) else math.nan


def same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=EQUAL_REL_TOL, abs_tol=1e-12)


def rankable(key: str, better: str) -> bool:
    """Whether a 'best' on this value key means anything at all."""
    parsed = ValueKey.parse(key)
    return (better in ("lower", "higher") and parsed.stat not in NEVER_BEST_STATS
            and parsed.name not in RELATIVE_METRICS)


@dataclass(frozen=True)
class Ranking:
    """The strategies on one value, best first, and which of them share the lead."""

    key: str
    better: str
    order: tuple[str, ...]
    """Strategies with a value, best mean first (ties in the summary's order)."""
    leaders: tuple[str, ...]
    """The best strategy and every strategy not significantly (or, with one replication,
    not at all) different from it."""
    tested: bool
    """Whether replications allowed a test (two or more)."""

    @property
    def sole_winner(self) -> str | None:
        """The one strategy better than every other, beyond noise (None otherwise)."""
        return self.leaders[0] if len(self.leaders) == 1 and len(self.order) > 1 else None

    @property
    def all_tied(self) -> bool:
        return len(self.leaders) == len(self.order)


def _sign(better: str) -> float:
    return -1.0 if better == "lower" else 1.0


def rank(summary: Mapping[str, Any], key: str, better: str,
         strategies: Sequence[str] | None = None, alpha: float = ALPHA) -> Ranking:
    """Rank ``strategies`` (default: all in the summary) on ``key``."""
    names = list(strategies if strategies is not None else summary["strategies"])
    means = {s: mean_of(summary, s, key) for s in names}
    have = [s for s in names if math.isfinite(means[s])]
    ordered = sorted(have, key=lambda s: _sign(better) * -means[s])
    if not ordered:
        return Ranking(key, better, (), (), False)
    best = ordered[0]
    reps = {s: values_of(summary, s, key) for s in ordered}
    tested = all(len(r) >= 2 for r in reps.values())
    if not tested:
        leaders = [s for s in ordered if same(means[s], means[best])]
        return Ranking(key, better, tuple(ordered), tuple(leaders), False)
    others = ordered[1:]
    raw = []
    for other in others:
        diff = difference(reps[other], reps[best])  # best - other, paired
        right_way = _sign(better) * diff.delta > 0
        raw.append(diff.p_value if right_way and math.isfinite(diff.p_value) else 1.0)
    adjusted = holm_adjust(raw)
    leaders = [best] + [o for o, p in zip(others, adjusted, strict=True) if not p < alpha]
    return Ranking(key, better, tuple(ordered), tuple(s for s in ordered if s in leaders), True)


def significantly_best(summary: Mapping[str, Any], key: str, better: str,
                       strategies: Sequence[str], alpha: float = ALPHA) -> str | None:
    """The strategy to highlight on a table row: tested, rankable, better than all others."""
    if len(strategies) < 2 or not rankable(key, better):
        return None
    ranking = rank(summary, key, better, strategies, alpha)
    if not ranking.tested or len(ranking.order) < len(strategies):
        return None
    return ranking.sole_winner
