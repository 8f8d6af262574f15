"""Load balancers: which replica gets a call, among the usable ones.

Each picks from ``candidates`` (indexes of usable replicas, in order) and may read
``outstanding`` (calls in flight per replica, kept by the replica set). Random choices come
from one named stream per backend (``balancer:<name>``), not per strategy, so two
strategies with the same balancer make the same draws (common random numbers).

- round_robin: the next candidate in turn.
- random: uniform among candidates.
- least_outstanding: the fewest calls in flight, scanning from a rotating start so ties
  spread (a full scan: "join the shortest queue" as far as the balancer can see).
- p2c: two distinct candidates at random, the one with fewer calls in flight (Mitzenmacher's
  power of two choices; Envoy's LEAST_REQUEST with choice_count 2).
- consistent_hash: a ring of 100 points per replica; a key goes to the first usable
  replica clockwise from its hash, so each replica sees a stable subset of the keys and an
  ejection moves only that replica's keys.
- weighted: smooth weighted round robin (nginx's), deterministic.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Protocol

from asyncsim.sim.engine import BlockSampler
from asyncsim.sim.request import Request

RING_POINTS = 100
"""Points per replica on the consistent-hash ring."""


class Balancer(Protocol):
    def pick(self, request: Request, candidates: Sequence[int],
             usable: Sequence[bool]) -> int: ...


class RoundRobin:
    def __init__(self) -> None:
        self._next = 0

    def pick(self, request: Request, candidates: Sequence[int], usable: Sequence[bool]) -> int:
        chosen = candidates[self._next % len(candidates)]
        self._next += 1
        return chosen


class RandomChoice:
    def __init__(self, uniform: BlockSampler) -> None:
        self._uniform = uniform

    def pick(self, request: Request, candidates: Sequence[int], usable: Sequence[bool]) -> int:
        return candidates[int(self._uniform() * len(candidates))]


class LeastOutstanding:
    def __init__(self, outstanding: list[int]) -> None:
        self._outstanding = outstanding
        self._start = 0

    def pick(self, request: Request, candidates: Sequence[int], usable: Sequence[bool]) -> int:
        outstanding = self._outstanding
        count = len(candidates)
        start = self._start % count
        self._start += 1
        best = candidates[start]
        for offset in range(1, count):
            index = candidates[(start + offset) % count]
            if outstanding[index] < outstanding[best]:
                best = index
        return best


class PowerOfTwo:
    def __init__(self, outstanding: list[int], uniform: BlockSampler) -> None:
        self._outstanding = outstanding
        self._uniform = uniform

    def pick(self, request: Request, candidates: Sequence[int], usable: Sequence[bool]) -> int:
        count = len(candidates)
        if count == 1:
            return candidates[0]
        first = int(self._uniform() * count)
        second = int(self._uniform() * (count - 1))
        if second >= first:
            second += 1
        a, b = candidates[first], candidates[second]
        return b if self._outstanding[b] < self._outstanding[a] else a


def mix64(value: int) -> int:
    """SplitMix64's finaliser: a stable, well-spread 64-bit hash of an integer."""
    value = (value + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return value ^ (value >> 31)


class ConsistentHash:
    def __init__(self, replicas: int) -> None:
        ring = sorted((mix64(replica * 1_000_003 + point), replica)
                      for replica in range(replicas) for point in range(RING_POINTS))
        self._hashes = [h for h, _ in ring]
        self._owners = [r for _, r in ring]

    def pick(self, request: Request, candidates: Sequence[int], usable: Sequence[bool]) -> int:
        size = len(self._hashes)
        at = bisect.bisect_left(self._hashes, mix64(request.key)) % size
        for step in range(size):
            owner = self._owners[(at + step) % size]
            if usable[owner]:
                return owner
        return candidates[0]


class Weighted:
    def __init__(self, weights: Sequence[float]) -> None:
        self._weights = list(weights)
        self._current = [0.0] * len(weights)

    def pick(self, request: Request, candidates: Sequence[int], usable: Sequence[bool]) -> int:
        weights, current = self._weights, self._current
        total = 0.0
        best = candidates[0]
        for index in candidates:
            current[index] += weights[index]
            total += weights[index]
            if current[index] > current[best]:
                best = index
        current[best] -= total
        return best
