"""Longest-first dispatch: every task once, untried kinds first, the dearest kind next."""

from __future__ import annotations

import heapq

from hypothesis import given
from hypothesis import strategies as st

from asyncsim.runner.dispatch import LongestFirst


def _makespan(kinds: list[str], cost_s: dict[str, float], workers: int,
              in_order: bool = False) -> float:
    """When the last of the tasks ends on ``workers`` workers that each take the next
    task as they free up: from LongestFirst, or in task order (what a pool does)."""
    order = LongestFirst(kinds)
    free: list[tuple[float, int, int | None]] = [(0.0, w, None) for w in range(workers)]
    queue = iter(range(len(kinds)))
    end = 0.0
    while free:
        now, worker, finished = heapq.heappop(free)
        end = max(end, now)
        if finished is not None:
            order.finished(finished, cost_s[kinds[finished]])
        index = next(queue, None) if in_order else order.next()
        if index is not None:
            heapq.heappush(free, (now + cost_s[kinds[index]], worker, index))
    return end


def test_each_kind_is_tried_once_before_any_kind_twice() -> None:
    order = LongestFirst(["a", "a", "b", "b", "c"])
    assert [order.next(), order.next(), order.next()] == [0, 2, 4]


def test_once_measured_the_dearest_kind_goes_first() -> None:
    order = LongestFirst(["cheap"] * 3 + ["dear"] * 3)
    assert [order.next(), order.next()] == [0, 3]
    order.finished(0, 0.3)
    order.finished(3, 0.9)
    assert [order.next() for _ in range(4)] == [4, 5, 1, 2]
    assert order.next() is None and len(order) == 0


def test_while_every_kind_is_being_tried_tasks_go_in_order() -> None:
    order = LongestFirst(["a", "b", "a", "b"])
    assert [order.next(), order.next(), order.next()] == [0, 1, 2]


def test_quickstart_shaped_runs_end_together() -> None:
    """Quickstart x7 on 2 workers: a timeout replication costs about three no-timeout
    ones. In task order the dear ones come last and one worker runs the final one alone;
    longest first ends within one cheap task of a perfect split."""
    kinds = ["no-timeout"] * 7 + ["timeout"] * 7
    cost_s = {"no-timeout": 0.3, "timeout": 0.9}
    perfect_s = sum(cost_s[k] for k in kinds) / 2
    assert _makespan(kinds, cost_s, 2) <= perfect_s + cost_s["no-timeout"] + 1e-9
    assert _makespan(kinds, cost_s, 2, in_order=True) >= perfect_s + 0.25


@given(st.lists(st.sampled_from("abcd"), min_size=1, max_size=40),
       st.dictionaries(st.sampled_from("abcd"), st.floats(0.01, 10), min_size=4),
       st.integers(1, 5))
def test_every_task_is_handed_out_exactly_once(kinds: list[str], cost_s: dict[str, float],
                                               workers: int) -> None:
    order = LongestFirst(kinds)
    handed: list[int] = []
    running: list[int] = []
    while True:
        while len(running) < workers and (index := order.next()) is not None:
            handed.append(index)
            running.append(index)
        if not running:
            break
        done = running.pop(0)
        order.finished(done, cost_s[kinds[done]])
    assert sorted(handed) == list(range(len(kinds)))
    # within a kind, replications go out in task order
    for kind in set(kinds):
        mine = [i for i in handed if kinds[i] == kind]
        assert mine == sorted(mine)
