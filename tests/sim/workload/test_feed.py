"""The feed's list model against a plain Python list, under any mix of inserts and deletes."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from asyncsim.sim import RandomStreams
from asyncsim.sim.workload.feed import Feed, FeedSpec


def feed_of(items: int, inserts: float = 0.0, deletes: float = 0.0) -> Feed:
    return Feed(FeedSpec(items, inserts, deletes), RandomStreams(1, 0))


operations = st.lists(st.one_of(st.just(("insert", 0)), st.tuples(st.just("delete"),
                                                                   st.floats(0, 1))),
                      max_size=120)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 40), operations, st.integers(0, 60), st.integers(1, 12),
       st.integers(-1, 200), st.integers(-1, 200), st.integers(-1, 200))
def test_reads_match_a_newest_first_list(initial: int, ops: list[tuple[str, float]],
                                         offset: int, limit: int, cursor: int,
                                         low: int, high: int) -> None:
    feed = feed_of(initial)
    newest_first = list(range(initial - 1, -1, -1))
    next_id = initial
    for op, u in ops:
        if op == "insert":
            feed.insert()
            newest_first.insert(0, next_id)
            next_id += 1
        elif newest_first:
            rank = min(int(u * len(newest_first)), len(newest_first) - 1) + 1  # from the oldest
            feed.delete_rank(rank)
            del newest_first[len(newest_first) - rank]
    assert feed.size == len(newest_first)
    assert feed.page_at_offset(offset, limit) == newest_first[offset:offset + limit]
    assert feed.page_before(None, limit) == newest_first[:limit]
    assert feed.page_before(cursor, limit) == [i for i in newest_first if i < cursor][:limit]
    assert feed.count_between(low, high) == sum(1 for i in newest_first if low < i <= high)
    assert all(feed.alive(i) == (i in newest_first) for i in range(-1, next_id + 2))


def test_changes_happen_lazily_at_their_poisson_times() -> None:
    feed = feed_of(100, inserts=2.0)
    feed.advance(0.0)
    assert feed.size == 100
    counts = []
    for t in range(1, 2001):
        before = feed.size
        feed.advance(float(t))
        counts.append(feed.size - before)
    mean = sum(counts) / len(counts)
    assert abs(mean - 2.0) < 4 * math.sqrt(2.0 / len(counts))  # Poisson(2) per second


def test_deletes_keep_the_size_and_never_touch_dead_items() -> None:
    feed = feed_of(50, inserts=1.0, deletes=1.0)
    feed.advance(500.0)
    head = feed.page_before(None, feed.size)
    assert len(head) == feed.size and head == sorted(head, reverse=True)
    assert all(feed.alive(i) for i in head)
