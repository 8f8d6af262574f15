"""Which task a free worker gets next: the dearest kind first, so a run ends on cheap ones.

A pool hands tasks out in the order it is given them. In (strategy, replication) order
the dearest strategy's replications came last, and one worker ran the final one alone
while the other had nothing left: quickstart with 8 replications on 2 workers left one
core idle for about 0.9 s of a 7 s run (a timeout replication costs three no-timeout
ones). Longest-processing-time-first leaves the cheapest tasks for the end instead.

Costs are not known beforehand, so they are learned: each kind of task (a point's
strategy) is tried once first, and once kinds have a measured cost, the dearest kind's
tasks go out before the others'. The order tasks run in changes no result: each task's
random streams come from its seed and replication alone, and results are put back in
task order.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence


class LongestFirst:
    """Hands out task indices: one of each untried kind, then the dearest kind's first."""

    def __init__(self, kinds: Sequence[Hashable]) -> None:
        self._waiting: dict[Hashable, list[int]] = {}
        for index, kind in enumerate(kinds):
            self._waiting.setdefault(kind, []).append(index)
        for indices in self._waiting.values():
            indices.reverse()  # pop() takes the lowest index first
        self._kind_of = list(kinds)
        self._cost_s: dict[Hashable, list[float]] = {}
        self._tried: set[Hashable] = set()

    def __len__(self) -> int:
        """Tasks not handed out yet."""
        return sum(len(indices) for indices in self._waiting.values())

    def next(self) -> int | None:
        """The task to start now, or None when every task has been handed out."""
        untried = next((k for k, left in self._waiting.items()
                        if left and k not in self._tried), None)
        if untried is not None:
            self._tried.add(untried)
            return self._waiting[untried].pop()
        measured = [(sum(c) / len(c), k) for k, c in self._cost_s.items() if self._waiting[k]]
        if measured:
            kind = max(measured, key=lambda pair: pair[0])[1]
        else:  # every kind is being tried and none has finished yet: task order
            kind = min((k for k, left in self._waiting.items() if left),
                       key=lambda k: self._waiting[k][-1], default=None)
            if kind is None:
                return None
        return self._waiting[kind].pop()

    def finished(self, index: int, cost_s: float) -> None:
        """Task ``index`` took ``cost_s`` (CPU seconds in its worker)."""
        self._cost_s.setdefault(self._kind_of[index], []).append(cost_s)
