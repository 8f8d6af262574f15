"""The objectives a run is judged on: the scenario's own, or its workload family's key metrics.

Why defaults per family: a page-load scenario is about time to content, a caching one
about hits, staleness and backend load; judging every run on p99 latency and errors
(as the first headline did) names the wrong winner. The section written to summary.json
(``objectives``) lets every reader (headline, tradeoff chart, terminal, compare) use the
same question.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from asyncsim.reports.metrics.catalog import REGISTRY

KEY_METRICS: Mapping[str, tuple[str, ...]] = {
    "pages": ("ttfc.p(95)", "ttac.p(95)"),
    "prefetch": ("click_latency.p(95)", "prefetch_hit_rate", "prefetch_waste"),
    "pagination": ("duplicates", "skipped", "requests_per_session"),
    "optimistic": ("perceived_latency.p(95)", "rollback_rate", "flickers"),
    "live": ("visible_staleness", "requests_per_user_hour"),
    "contention": ("contention_calls", "contention_time"),
    "caching": ("hit_rate", "stale_rate", "backend_calls", "latency.p(99)"),
    "resilience": ("goodput", "goodput_end", "error_rate", "amplification"),
    "core": ("latency.p(99)", "error_rate", "backend_calls"),
}
"""Key metrics of each workload family, most telling first."""

MAX_DEFAULT = 5
"""A question with more parts than this is no longer one question."""


def default_goals(families: Sequence[str]) -> list[dict[str, str]]:
    """The key metrics of the families, in order, without repeats (``core`` alone when
    no family applies)."""
    keys: list[str] = []
    for family in families or ("core",):
        for key in KEY_METRICS.get(family, ()):
            if key not in keys:
                keys.append(key)
    goals = []
    for key in keys:
        metric = REGISTRY.get(key.partition("{")[0].partition(".")[0])
        if metric is not None and metric.better in ("lower", "higher"):
            goals.append({"key": key, "better": metric.better})
    return goals[:MAX_DEFAULT]


def objectives_section(goals: Sequence[tuple[str, str]] | None,
                       constraints: Sequence[Mapping[str, Any]],
                       families: Sequence[str]) -> dict[str, Any]:
    """summary.json's ``objectives``: ``source`` says whether the scenario stated them."""
    if goals:
        return {"source": "scenario", "families": list(families),
                "goals": [{"key": k, "better": b} for k, b in goals],
                "constraints": [dict(c) for c in constraints]}
    return {"source": "workload", "families": list(families),
            "goals": default_goals(families), "constraints": [dict(c) for c in constraints]}


def goals_present(summary: Mapping[str, Any]) -> list[dict[str, str]]:
    """The objectives whose value the run has (a default key metric may be missing)."""
    section = summary.get("objectives") or {}
    strategies = summary.get("strategies", {})
    return [g for g in section.get("goals", [])
            if any(g["key"] in s.get("values", {}) for s in strategies.values())]
