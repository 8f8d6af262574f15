"""Key popularity: which key each request asks for.

Keys are integers ``0 .. count-1``; under Zipf and hot-set popularity key 0 is the most
popular, so reports and theory checks can name keys by rank.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from asyncsim.sim.engine import BLOCK_SIZE

if TYPE_CHECKING:
    from asyncsim.sim.workload.context import WorkloadContext

Popularity = Literal["uniform", "zipf", "hotset"]


@dataclass(frozen=True)
class KeySpec:
    count: int = 1
    popularity: Popularity = "uniform"
    zipf_alpha: float = 1.0
    hot_fraction: float = 0.2
    hot_share: float = 0.8

    def probabilities(self) -> np.ndarray:
        """Per-key request probability, key 0 first."""
        n = self.count
        if self.popularity == "zipf":
            weights = np.arange(1, n + 1, dtype=float) ** -self.zipf_alpha
            normalised: np.ndarray = weights / weights.sum()
            return normalised
        if self.popularity == "hotset":
            hot = max(1, round(n * self.hot_fraction))
            cold = n - hot
            p = np.empty(n)
            p[:hot] = (self.hot_share if cold else 1.0) / hot
            if cold:
                p[hot:] = (1.0 - self.hot_share) / cold
            return p
        return np.full(n, 1.0 / n)


class KeySampler:
    """Draws keys in blocks: uniform by integer draw, others by inverse CDF of one uniform."""

    __slots__ = ("_buffer", "_cdf", "_count", "_rng")

    def __init__(self, spec: KeySpec, rng: np.random.Generator) -> None:
        self._rng = rng
        self._count = spec.count
        self._cdf = None if spec.popularity == "uniform" else np.cumsum(spec.probabilities())
        self._buffer: list[int] = []

    def __call__(self) -> int:
        buffer = self._buffer
        if not buffer:
            if self._cdf is None:
                block = self._rng.integers(0, self._count, BLOCK_SIZE)
            else:
                u = self._rng.random(BLOCK_SIZE) * self._cdf[-1]
                block = np.minimum(np.searchsorted(self._cdf, u, side="right"), self._count - 1)
            buffer.extend(block[::-1].tolist())
        return buffer.pop()


class RecordedKey:
    """The key of the trace record being started: a trace load sets ``current`` before it
    starts each unit, and the unit reads it where it would have drawn a key."""

    __slots__ = ("current",)

    def __init__(self) -> None:
        self.current = 0

    def __call__(self) -> int:
        return self.current


def key_draw(ctx: WorkloadContext, spec: KeySpec, replayed: bool) -> Callable[[], int]:
    """Where a unit's keys come from: the trace's records when ``replayed`` (a trace
    load), else drawn from ``spec`` on the ``workload:keys`` stream."""
    if replayed:
        if ctx.recorded_key is None:
            ctx.recorded_key = RecordedKey()
        return ctx.recorded_key
    return KeySampler(spec, ctx.streams.generator("workload:keys"))
