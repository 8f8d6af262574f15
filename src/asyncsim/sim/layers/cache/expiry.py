"""Timed removals for a layer's entries: one SimPy timer at a time, only while any is due.

Why not a timer per entry: a timer is a SimPy event; one per insertion would be paid even
by entries that a hit, an eviction or a refresh makes moot. Here a single process sleeps
until the earliest time in a heap, asks the owner what to do with that entry, and ends
when the heap is empty (so a layer whose entries never die costs nothing).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Generator
from typing import Any, Generic, TypeVar

import simpy
from simpy.events import Event, Process, Timeout

T = TypeVar("T")


class Expiry(Generic[T]):
    """``due(key, item)`` is called at the time given to ``schedule``; it returns a later
    time to be called again (the item's life was extended), or ``None`` when done.

    A time earlier than the one being slept on is served at that wake-up: callers whose
    times are not increasing (mixed lifetimes) accept that lag, or check on access.
    """

    def __init__(self, env: simpy.Environment,
                 due: Callable[[int, T], float | None]) -> None:
        self._env = env
        self._due = due
        self._heap: list[tuple[float, int, int, T]] = []
        self._sequence = 0
        self._running = False

    def schedule(self, at: float, key: int, item: T) -> None:
        self._sequence += 1
        heapq.heappush(self._heap, (at, self._sequence, key, item))
        if not self._running:
            self._running = True
            Process(self._env, self._run())

    def _run(self) -> Generator[Event, Any, None]:
        env, heap = self._env, self._heap
        while heap:
            now = env._now
            if heap[0][0] > now:
                yield Timeout(env, heap[0][0] - now)
                continue
            _, _, key, item = heapq.heappop(heap)
            later = self._due(key, item)
            if later is not None:
                self._sequence += 1
                heapq.heappush(heap, (later, self._sequence, key, item))
        self._running = False
