"""Data that users write: writes from the workload on top of a background change process.

Why a wrapper rather than a new change model: the background process (none, or Poisson
changes from sim/data.py) stays exactly what it was, with the same draws in every strategy,
and each committed write is simply one more change of the key at the time it committed.
Version ``v`` of a key is current from its ``v``-th change (background or write, in time
order) until the next one, as in sim/data.py.

A write can only happen *now*: it is appended at the current simulated time, so every
change before now is final and the versions anybody has already seen keep their meaning
(changes after now are renumbered, but nobody has seen those).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from asyncsim.sim.data import DataModel, DataSpec, StaticData
from asyncsim.sim.engine import RandomStreams

WriteListener = Callable[[int, int, float], None]
"""Called with (key, new version, time) right after a write commits."""


@dataclass(frozen=True)
class WritableSpec:
    """Background changes (``base``, None for none) plus writes from the workload."""

    base: DataSpec | None = None

    def build(self, streams: RandomStreams, backend: str) -> WritableData:
        base = self.base.build(streams, backend) if self.base is not None else StaticData()
        return WritableData(base)


class WritableData:
    """A :class:`DataModel` whose keys also change when the workload writes them."""

    __slots__ = ("_base", "_listeners", "_writers", "_writes")

    def __init__(self, base: DataModel) -> None:
        self._base = base
        self._writes: dict[int, list[float]] = {}
        self._writers: dict[int, list[int]] = {}
        self._listeners: dict[int, list[WriteListener]] = {}

    def version(self, key: int, now: float) -> int:
        writes = self._writes.get(key)
        base = self._base.version(key, now)
        return base if writes is None else base + bisect_right(writes, now)

    def superseded_at(self, key: int, version: int) -> float:
        """The (version+1)-th change of the merged sequence (0-based ``version``).

        If ``j`` of the first ``version + 1`` changes are writes, they are the writes
        ``0..j-1`` and the background changes ``0..version-j``; ``j`` is the first count for
        which the next write does not come before the last background change counted (a
        condition that only turns true as ``j`` grows), found by bisection.
        """
        writes = self._writes.get(key)
        if not writes:
            return self._base.superseded_at(key, version)
        base = self._base.superseded_at
        low, high = 0, min(len(writes), version + 1)
        while low < high:
            j = (low + high) // 2
            if writes[j] < base(key, version - j):
                low = j + 1
            else:
                high = j
        last_write = writes[low - 1] if low > 0 else -math.inf
        last_base = base(key, version - low) if version - low >= 0 else -math.inf
        return max(last_write, last_base)

    def write(self, key: int, now: float, writer: int) -> int:
        """Commit a write of ``key`` by client ``writer`` at ``now``; returns the new version."""
        self._writes.setdefault(key, []).append(now)
        self._writers.setdefault(key, []).append(writer)
        version = self.version(key, now)
        for listener in self._listeners.get(key, ()):
            listener(key, version, now)
        return version

    def writes(self, key: int) -> list[tuple[float, int]]:
        """(time, writer) of every write of ``key`` so far (for tests and reports)."""
        return list(zip(self._writes.get(key, ()), self._writers.get(key, ()), strict=True))

    def listen(self, key: int, listener: WriteListener) -> None:
        """Be told of every later write of ``key`` (a push channel's hub)."""
        self._listeners.setdefault(key, []).append(listener)
