"""A feed: a newest-first list whose head gets new items while old ones get deleted.

Items are integer ids given in insertion order, so "newest first" is "largest id first"
and a cursor (``WHERE id < last_id ORDER BY id DESC``) is an id. Inserts (at the head) and
deletes (of a uniformly chosen live item) are Poisson processes drawn from their own
streams (``feed:inserts``, ``feed:deletes``, ``feed:delete-choice``), so every strategy of a
replication sees the same list history. They cost no SimPy event: the list is brought up
to date lazily, applying every change due by the time someone reads it, which gives the
same list as applying them on time because nobody can look in between.

Positions are kept in a Fenwick tree of live flags by id: the item at an offset, the
number of live items in an id range and a delete by rank all take O(log n).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from asyncsim.sim.engine import BlockSampler, RandomStreams


@dataclass(frozen=True)
class FeedSpec:
    """``items`` live at the start; inserts and deletes per second of simulated time."""

    items: int
    insert_rate_per_s: float = 0.0
    delete_rate_per_s: float = 0.0


class Feed:
    def __init__(self, spec: FeedSpec, streams: RandomStreams) -> None:
        self._capacity = 1
        while self._capacity < max(2 * spec.items, 16):
            self._capacity *= 2
        self._alive = bytearray(self._capacity)
        self._alive[: spec.items] = b"\x01" * spec.items
        self._tree = [0] * (self._capacity + 1)
        self._rebuild()
        self.size = spec.items
        self.next_id = spec.items
        self._insert_gap = _exponential(streams, "feed:inserts", spec.insert_rate_per_s)
        self._delete_gap = _exponential(streams, "feed:deletes", spec.delete_rate_per_s)
        self._choice = BlockSampler(lambda g, n: g.random(n),
                                    streams.generator("feed:delete-choice"))
        self._next_insert_s = self._insert_gap()
        self._next_delete_s = self._delete_gap()

    # ------------------------------------------------------------------ changes over time

    def advance(self, now: float) -> None:
        """Apply, in time order, every insert and delete due at or before ``now``."""
        while True:
            if self._next_insert_s <= now and self._next_insert_s <= self._next_delete_s:
                self.insert()
                self._next_insert_s += self._insert_gap()
            elif self._next_delete_s <= now:
                if self.size:
                    self.delete_rank(min(int(self._choice() * self.size), self.size - 1) + 1)
                self._next_delete_s += self._delete_gap()
            else:
                return

    def insert(self) -> None:
        """A new item at the head."""
        if self.next_id >= self._capacity:
            self._capacity *= 2
            self._alive.extend(bytes(self._capacity - len(self._alive)))
            self._tree = [0] * (self._capacity + 1)
            self._rebuild()
        self._alive[self.next_id] = 1
        self._add(self.next_id, 1)
        self.next_id += 1
        self.size += 1

    def delete_rank(self, rank: int) -> None:
        """Delete the ``rank``-th live item counting from the oldest (rank from 1)."""
        item = self._kth(rank)
        self._alive[item] = 0
        self._add(item, -1)
        self.size -= 1

    # ------------------------------------------------------------------ reads

    def alive(self, item: int) -> bool:
        return 0 <= item < self.next_id and self._alive[item] == 1

    def page_at_offset(self, offset: int, limit: int) -> list[int]:
        """Items at positions ``offset .. offset + limit - 1`` from the head."""
        if offset >= self.size:
            return []
        return self._walk_down(self._kth(self.size - offset), limit)

    def page_before(self, cursor: int | None, limit: int) -> list[int]:
        """The first ``limit`` items older than ``cursor`` (from the head when None)."""
        start = self.next_id - 1 if cursor is None else min(cursor, self.next_id) - 1
        return self._walk_down(start, limit)

    def count_between(self, low: int, high: int) -> int:
        """Live items with ``low < id <= high``."""
        high = min(high, self.next_id - 1)
        if high <= low:
            return 0
        return self._prefix(high) - self._prefix(low)

    def alive_among(self, items: np.ndarray) -> np.ndarray:
        """A boolean mask: which of ``items`` (ids already given out) are live."""
        # the view is a temporary, gone before any append: no local may hold it (a
        # sampling profiler holding this frame would keep it, and appends then fail)
        mask: np.ndarray = np.frombuffer(self._alive, dtype=np.uint8)[items] == 1
        return mask

    def _walk_down(self, start: int, limit: int) -> list[int]:
        """Live ids from ``start`` downwards; runs of live ids are taken whole, in C."""
        alive = self._alive
        out: list[int] = []
        item = start
        while item >= 0 and len(out) < limit:
            low = max(0, item - (limit - len(out)) + 1)
            if alive.count(0, low, item + 1) == 0:
                out.extend(range(item, low - 1, -1))
            else:
                out.extend(i for i in range(item, low - 1, -1) if alive[i])
            item = low - 1
        return out

    # ------------------------------------------------------------------ Fenwick tree

    def _rebuild(self) -> None:
        tree = self._tree
        for index in range(1, self._capacity + 1):
            tree[index] += self._alive[index - 1]
            parent = index + (index & -index)
            if parent <= self._capacity:
                tree[parent] += tree[index]

    def _add(self, item: int, delta: int) -> None:
        index = item + 1
        tree = self._tree
        while index <= self._capacity:
            tree[index] += delta
            index += index & -index

    def _prefix(self, item: int) -> int:
        """Live items with id <= ``item``."""
        index = item + 1
        total = 0
        tree = self._tree
        while index > 0:
            total += tree[index]
            index -= index & -index
        return total

    def _kth(self, rank: int) -> int:
        """The id of the ``rank``-th live item counting from the oldest (rank from 1)."""
        position = 0
        step = self._capacity
        tree = self._tree
        while step:
            nxt = position + step
            if nxt <= self._capacity and tree[nxt] < rank:
                position = nxt
                rank -= tree[nxt]
            step //= 2
        return position


def _exponential(streams: RandomStreams, name: str, rate_per_s: float) -> BlockSampler | _Never:
    if rate_per_s <= 0:
        return _Never()
    return BlockSampler(lambda g, n: g.exponential(1.0 / rate_per_s, n), streams.generator(name))


class _Never:
    """The gap sampler of a process with rate zero: the next event is never."""

    def __call__(self) -> float:
        return math.inf
