"""Report sections: which metrics they list and what lights them, from registry families."""

from __future__ import annotations

from collections.abc import Callable

from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.reports.render.sections import CACHING, RESILIENCE
from tests.reports.summaries import summary

OLD_CACHE_ROWS = {"hit_rate", "fresh_hit_rate", "stale_hit_rate", "coalesced_rate", "miss_rate",
                  "evictions", "revalidations", "cache_size", "stale_rate", "staleness"}
OLD_RESILIENCE_NAMES = {"retry_share", "breaker_open_time", "breaker_transitions",
                        "short_circuited", "hedge_rate", "fallback_rate", "goodput",
                        "fault_backend_load", "breaker_recovery", "attempts"}


def listed(lists: Callable[[str], bool]) -> set[str]:
    return {name for name in REGISTRY if lists(name)}


def test_caching_lists_what_the_hand_list_did() -> None:
    assert listed(CACHING.lists) == OLD_CACHE_ROWS


def test_resilience_lists_its_families_and_the_core_metrics_its_charts_draw() -> None:
    rows = listed(RESILIENCE.lists)
    assert rows >= OLD_RESILIENCE_NAMES
    assert rows == {m.name for m in REGISTRY.values()
                    if m.family in ("retry", "resilience", "recovery")} | {"attempts", "goodput"}


def test_a_tagged_or_trend_key_is_listed_by_its_metric() -> None:
    assert CACHING.lists("staleness.p(99)")
    assert CACHING.lists("cache_size{layer:api:0:cache}")
    assert RESILIENCE.lists("breaker_open_time{layer:api:1:breaker}")
    assert not RESILIENCE.lists("latency.p(99)")


def test_a_section_lights_on_a_pattern_metric_away_from_idle() -> None:
    assert CACHING.lit(summary({"a": {"hit_rate": [0.5]}}))
    assert not CACHING.lit(summary({"a": {"hit_rate": [0.0], "miss_rate": [1.0]}}))
    assert RESILIENCE.lit(summary({"a": {"retry_share": [0.1]}}))


def test_staleness_and_core_metrics_light_nothing() -> None:
    assert not CACHING.lit(summary({"a": {"stale_rate": [0.2], "staleness.med": [1.0]}}))
    assert not RESILIENCE.lit(summary({"a": {"goodput": [10.0], "attempts": [2.0]}}))


def test_pattern_sections_list_their_familys_metrics_and_live_is_split_in_two() -> None:
    from asyncsim.reports.render.sections import LIVE, OPTIMISTIC, PAGES, PAGINATION, PREFETCH

    assert {"ttfc", "ttac", "boundary_reveal", "views"} <= listed(PAGES.lists)
    assert {"prefetch_hit_rate", "prefetch_waste"} <= listed(PREFETCH.lists)
    assert {"duplicates", "skipped"} <= listed(PAGINATION.lists)
    assert {"visible_staleness", "requests_per_user_hour"} <= listed(LIVE.lists)
    assert {"rollback_rate", "flickers"} <= listed(OPTIMISTIC.lists)
    assert not listed(LIVE.lists) & listed(OPTIMISTIC.lists)
    assert listed(LIVE.lists) | listed(OPTIMISTIC.lists) == {
        m.name for m in REGISTRY.values() if m.family == "live"}


def test_a_pattern_section_lights_only_when_the_run_has_its_metrics() -> None:
    from asyncsim.reports.render.sections import LIVE, OPTIMISTIC, PAGES

    assert PAGES.lit(summary({"a": {"ttac.avg": [3.0]}}))
    assert not PAGES.lit(summary({"a": {"latency.avg": [3.0]}}))
    assert OPTIMISTIC.lit(summary({"a": {"rollback_rate": [0.05]}}))
    assert not LIVE.lit(summary({"a": {"rollback_rate": [0.05]}}))
