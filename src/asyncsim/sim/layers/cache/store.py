"""Where a cache keeps its entries, and which one goes when it is full.

One class per eviction policy, all with the same small surface: ``entries`` (a dict the
cache reads directly on its hot path), ``touch`` (called on every served hit, ``None``
when the policy ignores hits, so a hit costs no call), ``put`` (returns how many entries
were evicted to make room) and ``remove``.

Why these structures: every operation is O(1). LRU and FIFO are an ``OrderedDict`` (C
code); RANDOM keeps a key list for uniform choice with swap-remove; LFU keeps frequency
buckets (Shah, Mitra, Matani 2010), least recently used first within a bucket.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, Literal, TypeVar

Eviction = Literal["lru", "fifo", "random", "lfu"]
EVICTIONS: tuple[Eviction, ...] = ("lru", "fifo", "random", "lfu")
V = TypeVar("V")


class UnboundedStore(Generic[V]):
    """No size limit: nothing is ever evicted, so hits need no bookkeeping."""

    def __init__(self) -> None:
        self.entries: dict[int, V] = {}
        self.touch: Callable[[int], None] | None = None

    def put(self, key: int, entry: V) -> int:
        self.entries[key] = entry
        return 0

    def remove(self, key: int) -> None:
        del self.entries[key]


class LRUStore(Generic[V]):
    """Least recently used goes first: a hit moves the key to the young end."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self.entries: OrderedDict[int, V] = OrderedDict()
        self.touch: Callable[[int], None] | None = self.entries.move_to_end

    def put(self, key: int, entry: V) -> int:
        entries = self.entries
        if key in entries:
            entries[key] = entry
            entries.move_to_end(key)
            return 0
        evicted = 0
        if len(entries) >= self.max_entries:
            entries.popitem(False)  # (positional: a keyword costs a tenth of the put)
            evicted = 1
        entries[key] = entry
        return evicted

    def remove(self, key: int) -> None:
        del self.entries[key]


class FIFOStore(LRUStore[V]):
    """Oldest insertion goes first; hits change nothing (a refresh counts as an insertion)."""

    def __init__(self, max_entries: int) -> None:
        super().__init__(max_entries)
        self.touch = None


class RandomStore(Generic[V]):
    """A uniformly chosen entry goes; ``uniform()`` gives the draws in [0, 1)."""

    def __init__(self, max_entries: int, uniform: Callable[[], float]) -> None:
        self.max_entries = max_entries
        self.entries: dict[int, V] = {}
        self.touch: Callable[[int], None] | None = None
        self._uniform = uniform
        self._keys: list[int] = []
        self._index: dict[int, int] = {}

    def put(self, key: int, entry: V) -> int:
        entries = self.entries
        if key in entries:
            entries[key] = entry
            return 0
        evicted = 0
        if len(entries) >= self.max_entries:
            self.remove(self._keys[int(self._uniform() * len(self._keys))])
            evicted = 1
        entries[key] = entry
        self._index[key] = len(self._keys)
        self._keys.append(key)
        return evicted

    def remove(self, key: int) -> None:
        del self.entries[key]
        keys, index = self._keys, self._index
        at = index.pop(key)
        last = keys.pop()
        if last != key:
            keys[at] = last
            index[last] = at


class LFUStore(Generic[V]):
    """Least frequently used (hits since insertion) goes first; ties go least recent first."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self.entries: dict[int, V] = {}
        self.touch: Callable[[int], None] | None = self._hit
        self._count: dict[int, int] = {}
        self._buckets: dict[int, OrderedDict[int, None]] = {}
        self._least = 1

    def _hit(self, key: int) -> None:
        count = self._count[key]
        bucket = self._buckets[count]
        del bucket[key]
        if not bucket:
            del self._buckets[count]
            if self._least == count:
                self._least = count + 1
        self._count[key] = count + 1
        self._buckets.setdefault(count + 1, OrderedDict())[key] = None

    def put(self, key: int, entry: V) -> int:
        entries = self.entries
        if key in entries:
            entries[key] = entry
            return 0
        evicted = 0
        if len(entries) >= self.max_entries:
            if self._least not in self._buckets:
                self._least = min(self._buckets)
            victim, _ = self._buckets[self._least].popitem(False)
            if not self._buckets[self._least]:
                del self._buckets[self._least]
            del entries[victim], self._count[victim]
            evicted = 1
        entries[key] = entry
        self._count[key] = 1
        self._buckets.setdefault(1, OrderedDict())[key] = None
        self._least = 1
        return evicted

    def remove(self, key: int) -> None:
        del self.entries[key]
        count = self._count.pop(key)
        bucket = self._buckets[count]
        del bucket[key]
        if not bucket:
            del self._buckets[count]


Store = UnboundedStore[V] | LRUStore[V] | RandomStore[V] | LFUStore[V]


def make_store(max_entries: int | None, eviction: Eviction,
               uniform: Callable[[], float]) -> Store[V]:
    """The store for a size limit and policy; ``uniform`` is only drawn from by RANDOM."""
    if max_entries is None:
        return UnboundedStore()
    if eviction == "lru":
        return LRUStore(max_entries)
    if eviction == "fifo":
        return FIFOStore(max_entries)
    if eviction == "random":
        return RandomStore(max_entries, uniform)
    return LFUStore(max_entries)
