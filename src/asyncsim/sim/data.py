"""Data versions: how each key's value changes over time, so staleness can be measured.

:class:`StaticData`: values never change. :class:`PoissonChanges`: each key changes at the
times of its own Poisson process. Version ``v`` of a key is current from its ``v``-th
change (time 0 for ``v = 0``) until its ``v + 1``-th.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from typing import Protocol

from asyncsim.sim.engine import RandomStreams


class DataModel(Protocol):
    def version(self, key: int, now: float) -> int:
        """The version of ``key`` current at ``now`` (0 before the first change)."""

    def superseded_at(self, key: int, version: int) -> float:
        """When ``version`` of ``key`` stopped being current (``inf`` if it still is)."""


class StaticData:
    """Values never change: every delivery is version 0 and never stale."""

    def version(self, key: int, now: float) -> int:
        return 0

    def superseded_at(self, key: int, version: int) -> float:
        return float("inf")


class DataSpec(Protocol):
    """Parameters of a data-change process; builds the runtime model for one backend."""

    def build(self, streams: RandomStreams, backend: str) -> DataModel: ...


_MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_UNIT = 2.0 ** -53


def _mix64(x: int) -> int:
    """SplitMix64's finaliser: a 64-bit avalanche hash (Steele, Lea, Flood 2014)."""
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


@dataclass(frozen=True)
class PoissonChanges:
    """Every key changes at the events of its own Poisson process of rate ``change_rate_per_s``."""

    change_rate_per_s: float

    def build(self, streams: RandomStreams, backend: str) -> PoissonChangeModel:
        base = int(streams.generator(f"data:{backend}:changes").integers(0, 1 << 63))
        return PoissonChangeModel(self.change_rate_per_s, base)


class PoissonChangeModel:
    """Change times drawn per key from a counter-based generator, lazily.

    Why counter-based: the ``i``-th gap of key ``k`` is a hash of (stream seed, ``k``, ``i``),
    so a key's change times do not depend on which keys were asked first, or how often.
    Two strategies of one replication therefore see exactly the same changes (common random
    numbers), whatever their caches fetch. The seed comes from the named stream
    ``data:<backend>:changes``, so it depends on the scenario seed and replication only.
    """

    __slots__ = ("_base", "_mean_gap_s", "_times")

    def __init__(self, change_rate_per_s: float, base: int) -> None:
        if not change_rate_per_s > 0:
            raise ValueError(f"change rate must be positive, got {change_rate_per_s!r}")
        self._mean_gap_s = 1.0 / change_rate_per_s
        self._base = base & _MASK64
        self._times: dict[int, list[float]] = {}

    def version(self, key: int, now: float) -> int:
        times = self._times.get(key)
        if times is None or times[-1] <= now:
            times = self._extend(key, now)
        return bisect_right(times, now)

    def superseded_at(self, key: int, version: int) -> float:
        times = self._times.get(key)
        while times is None or len(times) <= version:
            times = self._extend(key, times[-1] if times else 0.0)
        return times[version]

    def change_times(self, key: int, until: float) -> list[float]:
        """The change times of ``key`` in (0, ``until``] (for tests and reports)."""
        times = self._extend(key, until)
        return times[:bisect_right(times, until)]

    def _extend(self, key: int, now: float) -> list[float]:
        """Draw ``key``'s change times until one lies after ``now``; returns them all."""
        times = self._times.get(key)
        if times is None:
            times = self._times[key] = []
        seed = _mix64(self._base ^ ((key * _GOLDEN) & _MASK64))
        t = times[-1] if times else 0.0
        index = len(times)
        mean = self._mean_gap_s
        while t <= now:
            index += 1
            u = (_mix64((seed + index * _GOLDEN) & _MASK64) >> 11) * _UNIT
            t += -math.log1p(-u) * mean
            times.append(t)
        return times
