"""Pagination strategies with constant latencies: costs and waits to the millisecond,
refetch behaviours counted request by request."""

from __future__ import annotations

import pytest

from tests.helpers import run_yaml, value

FEED = """
version: 1
name: feed
seed: 3
duration: 2000s
backends:
  feed: {{workers: 50, latency: 100ms}}
workload:
  target: feed
  users: 20
  arrivals: {{poisson: 0.2/s}}
  feed:
    items: 5000
    inserts: {inserts}
    page_size: 20
    pages: 5
    read_time: 1s
    refocus: {refocus}
    offset_cost: 1ms
strategies:
{strategies}
"""


def feed(strategies: str, inserts: str = "0/s", refocus: float = 0.0) -> str:
    return FEED.format(inserts=inserts, refocus=refocus, strategies=strategies)


def test_offset_pages_cost_more_the_deeper_they_go_and_cursor_pages_do_not() -> None:
    output = run_yaml(feed("  offset: [{pagination: offset}]\n  cursor: [{pagination: cursor}]"))
    for page in range(1, 6):
        scan_s = (page - 1) * 20 * 0.001  # offset rows skipped x 1 ms
        key = f"page_latency{{page:{page}}}.avg"
        assert value(output, "offset", key) == pytest.approx(0.1 + scan_s, abs=1e-12)
        assert value(output, "cursor", key) == pytest.approx(0.1, abs=1e-12)


def test_the_reader_waits_a_full_latency_unless_the_next_page_is_prefetched() -> None:
    output = run_yaml(feed(
        "  click: [{pagination: cursor}]\n"
        "  infinite-1: [{pagination: {kind: cursor, prefetch_within: 1}}]\n"
        "  infinite-20: [{pagination: {kind: cursor, prefetch_within: 20}}]"))
    assert value(output, "click", "bottom_wait.min") == pytest.approx(0.1, abs=1e-12)
    assert value(output, "click", "bottom_wait.max") == pytest.approx(0.1, abs=1e-12)
    # 1 item from the end of 20 read in 1 s: asked 50 ms early, waits 100 - 50 ms
    assert value(output, "infinite-1", "bottom_wait.max") == pytest.approx(0.05, abs=1e-12)
    assert value(output, "infinite-20", "bottom_wait.max") == 0.0
    assert value(output, "infinite-20", "requests_per_session") == 5


P = 5
ALL_PAGES = P + sum(range(1, P))  # after reading page j, j pages are refetched
FIRST_PAGE = P + (P - 1)


@pytest.mark.parametrize(("kind", "preset", "inserts", "requests"), [
    ("offset", "tanstack-query-v5", "0/s", ALL_PAGES),
    ("cursor", "tanstack-query-v5", "0/s", ALL_PAGES),
    ("offset", "swr-2", "0/s", FIRST_PAGE),
    ("cursor", "swr-2", "0/s", FIRST_PAGE),       # cursors unchanged: only page 1
    ("offset", "swr-2", "100/s", FIRST_PAGE),     # offset keys never change
    ("cursor", "swr-2", "100/s", ALL_PAGES),      # every cursor moved: every page again
])
def test_refetch_on_every_refocus_costs_what_each_library_refetches(
        kind: str, preset: str, inserts: str, requests: int) -> None:
    strategy = f"  s: [{{pagination: {{kind: {kind}, preset: {preset}}}}}]"
    output = run_yaml(feed(strategy, inserts=inserts, refocus=1.0))
    assert value(output, "s", "requests_per_session") == requests


def test_swr_offset_refetch_loses_items_tanstack_cursor_refetch_keeps_the_list_whole() -> None:
    output = run_yaml(feed(
        "  swr-offset: [{pagination: {kind: offset, preset: swr-2}}]\n"
        "  tanstack-cursor: [{pagination: {kind: cursor, preset: tanstack-query-v5}}]\n"
        "  no-refetch: [{pagination: cursor}]", inserts="2/s", refocus=0.5))
    assert value(output, "swr-offset", "skipped") > 1
    assert value(output, "tanstack-cursor", "skipped") == 0
    assert value(output, "tanstack-cursor", "duplicates") == 0
    assert value(output, "no-refetch", "requests_per_session") == P
    assert value(output, "tanstack-cursor", "requests_per_session") > P


def test_duplicates_and_skips_by_page_add_up_to_each_sessions_totals() -> None:
    """The report's by-page bars: each strategy's pages sum to its duplicates and skipped
    rows (per session), with items moving under offset pages and refetches."""
    from asyncsim.reports.render.report_data import combine_runs

    output = run_yaml(feed(
        "  swr-offset: [{pagination: {kind: offset, preset: swr-2}}]\n"
        "  offset: [{pagination: offset}]\n"
        "  cursor: [{pagination: cursor}]", inserts="2/s", refocus=0.5))
    data = combine_runs(output.runs)
    for strategy in ("swr-offset", "offset", "cursor"):
        counts = data[strategy].distributions
        sessions = counts["sessions"][0]
        assert len(counts["duplicates_by_page"]) == P
        assert counts["duplicates_by_page"][0] == 0  # nothing was shown before page 1
        for by_page, total in (("duplicates_by_page", "duplicates"),
                               ("skipped_by_page", "skipped")):
            assert sum(counts[by_page]) / sessions == pytest.approx(
                value(output, strategy, total), rel=1e-12), (strategy, total)
    assert sum(data["offset"].distributions["duplicates_by_page"]) > 0
    assert sum(data["swr-offset"].distributions["skipped_by_page"]) > 0
    assert sum(data["cursor"].distributions["duplicates_by_page"]) == 0
