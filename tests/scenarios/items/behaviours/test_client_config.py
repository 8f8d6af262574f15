"""Pages, navigation and feed scenarios: what they build, and every mistake located.

Each bad-input case pins the line and column the user is sent to and the words that say
what to fix, like tests/scenarios/test_bad_input.py does for the core language.
"""

from __future__ import annotations

import textwrap

import pytest

from asyncsim.scenarios.build import strategy_specs, workload_spec
from asyncsim.scenarios.problems import ScenarioError
from asyncsim.sim.workload.compose import Composed
from asyncsim.sim.workload.units.feed_session import FeedSession, PaginationSpec
from asyncsim.sim.workload.units.page_view import PageLoadSpec, PageView
from tests.helpers import scenario_from_yaml

PAGES = """\
version: 1
name: pages
duration: 100s
backends:
  users: {latency: 2s}
  posts: {latency: 1s}
workload:
  arrivals: {poisson: 1/s}
  pages:
    resources:
      user: {backend: users}
      posts: {backend: posts, after: [user]}
    boundaries:
      header: [user]
strategies:
  parallel: [{page_load: parallel}]
"""

FEED = """\
version: 1
name: feed
duration: 100s
backends:
  feed: {latency: 50ms}
workload:
  target: feed
  arrivals: {poisson: 1/s}
  feed: {items: 1000, page_size: 20, pages: 5, read_time: 2s}
strategies:
  offset: [{pagination: offset}]
"""

NAVIGATION = """\
version: 1
name: nav
duration: 100s
backends:
  pages: {latency: 50ms}
workload:
  target: pages
  arrivals: {poisson: 1/s}
  navigation: {hover_time: 300ms, click_probability: 0.3}
strategies:
  hover: [{prefetch: lesson}]
"""


def problems(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_yaml(text)
    return [(p.line, p.col, f"{p.path}: {p.message}") for p in caught.value.problems]


def test_the_examples_here_are_valid_and_build() -> None:
    pages = scenario_from_yaml(PAGES)
    workload = workload_spec(pages.workload)
    assert isinstance(workload, Composed) and isinstance(workload.unit, PageView)
    assert [r.after for r in workload.unit.resources] == [(), ("user",)]
    assert strategy_specs(pages)[0].behaviours == (PageLoadSpec("parallel"),)
    assert strategy_specs(pages)[0].layers == ()
    feed = scenario_from_yaml(FEED)
    feed_workload = workload_spec(feed.workload)
    assert isinstance(feed_workload, Composed) and isinstance(feed_workload.unit, FeedSession)
    assert strategy_specs(feed)[0].behaviours == (PaginationSpec("offset"),)
    scenario_from_yaml(NAVIGATION)


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


CASES = {
    "dependency cycle": (
        _edit(PAGES, "user: {backend: users}", "user: {backend: users, after: [posts]}"),
        11, 37, "workload.pages.resources.user.after: dependency cycle: user -> posts -> user"),
    "resource waiting for itself": (
        _edit(PAGES, "user: {backend: users}", "user: {backend: users, after: [user]}"),
        11, 37, "dependency cycle: user -> user"),
    "boundary naming an unknown resource": (
        _edit(PAGES, "header: [user]", "header: [user, settings]"),
        14, 22, "workload.pages.boundaries.header.1: unknown resource 'settings' "
                "(allowed: posts, user)"),
    "strategy boundary naming an unknown resource": (
        _edit(PAGES, "parallel: [{page_load: parallel}]",
              "parallel:\n    - page_load: {boundaries: {main: [post]}}"),
        17, 39, "strategies.parallel.0.page_load.boundaries.main.0: unknown resource 'post'"),
    "after naming an unknown resource": (
        _edit(PAGES, "after: [user]", "after: [usr]"),
        12, 39, "workload.pages.resources.posts.after.0: unknown resource 'usr'"),
    "resource on an unknown backend": (
        _edit(PAGES, "{backend: posts,", "{backend: post,"),
        12, 24, "workload.pages.resources.posts.backend: unknown backend 'post'"),
    "target given to a pages workload": (
        _edit(PAGES, "workload:\n", "workload:\n  target: users\n"),
        8, 11, "names the backend of each resource: remove target"),
    "page size 0": (
        _edit(FEED, "page_size: 20", "page_size: 0"),
        9, 34, "workload.feed.page_size: Input should be greater than 0 (got 0)"),
    "feed too short for a session": (
        _edit(FEED, "items: 1000", "items: 50"),
        9, 17, "the feed needs at least 100 items, not 50"),
    "feed without a target": (
        _edit(FEED, "  target: feed\n", ""),
        7, 3, "workload: a feed workload needs a target"),
    "two behaviours in one workload": (
        _edit(FEED, "  feed: {items", "  navigation: {hover_time: 1s, click_probability: 1}\n"
                                     "  feed: {items"),
        7, 3, "choose at most one of: pages, navigation, feed (got navigation, feed)"),
    "behaviour item for another workload": (
        _edit(FEED, "offset: [{pagination: offset}]", "offset: [{page_load: parallel}]"),
        11, 24, "strategies.offset.0.page_load: page_load applies to a workload with pages"),
    "behaviour item twice": (
        _edit(FEED, "[{pagination: offset}]", "[{pagination: offset}, {pagination: cursor}]"),
        11, 47, "strategies.offset.1.pagination: pagination is set twice in strategy 'offset'"),
    "infinite scroll threshold beyond the page": (
        _edit(FEED, "[{pagination: offset}]",
              "[{pagination: {kind: offset, prefetch_within: 21}}]"),
        11, 57, "prefetch_within (21) must be at most the page size (20)"),
    "unknown pagination kind": (
        _edit(FEED, "[{pagination: offset}]", "[{pagination: keyset}]"),
        11, 25, "'keyset' is not allowed (allowed: 'offset', 'cursor')"),
    "press prefetch without a press lead": (
        _edit(NAVIGATION, "[{prefetch: lesson}]", "[{prefetch: {on: press}}]"),
        11, 27, "on: press needs workload.navigation.press_lead"),
    "ttl without keep ttl": (
        _edit(NAVIGATION, "[{prefetch: lesson}]", "[{prefetch: {preset: lesson, ttl: 5s}}]"),
        11, 22, "ttl applies to keep: ttl only"),
    "click probability above 1": (
        _edit(NAVIGATION, "click_probability: 0.3", "click_probability: 1.3"),
        9, 54, "click_probability: Input should be less than or equal to 1"),
}


@pytest.mark.parametrize("case", CASES)
def test_each_mistake_is_located_and_explained(case: str) -> None:
    text, line, col, message = CASES[case]
    found = problems(text)
    assert (line, col) in [(at_line, at_col) for at_line, at_col, said in found
                           if message in said], found


def test_every_backend_a_page_reads_counts_as_targeted() -> None:
    text = _edit(PAGES, "  posts: {latency: 1s}\n",
                 "  posts: {latency: 1s}\n  spare: {latency: 1s}\n")
    assert [m for _, _, m in problems(text)] == [
        "backends.spare: nothing sends requests to backend 'spare' (the workload targets "
        "'posts', 'users')"]


def test_all_problems_are_listed_at_once() -> None:
    text = _edit(_edit(PAGES, "header: [user]", "header: [nobody]"),
                 "after: [user]", "after: [posts]")
    assert len(problems(textwrap.dedent(text))) == 2
