"""Named random streams and the block sampler.

Why named streams: every component draws from its own stream, derived from the scenario
seed, the replication index and the component's *name* (never from the strategy or the
order in which things were built). So the same scenario and seed give the same draws in
any process, under any executor and in any strategy order, and two strategies of one
replication see the same workload and backend draws (common random numbers).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np

BLOCK_SIZE = 4096
"""Draws are made in numpy blocks of this size and handed out one at a time."""


def name_key(name: str) -> int:
    """A stable 32-bit key for a component name (Python's ``hash`` is salted per process)."""
    return zlib.crc32(name.encode("utf-8"))


class RandomStreams:
    """Factory of independent ``numpy.random.Generator`` objects keyed by name."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = seed
        self.replication = replication

    def generator(self, name: str) -> np.random.Generator:
        seq = np.random.SeedSequence(self.seed, spawn_key=(self.replication, name_key(name)))
        return np.random.Generator(np.random.PCG64(seq))


class BlockSampler:
    """Hands out floats one by one from blocks drawn by ``draw(rng, n)``.

    Why: a numpy call per request costs microseconds; a list pop costs tens of
    nanoseconds. The sequence of values is exactly the sequence of the blocks, so the
    i-th value handed out is the i-th value numpy drew: reference models can be fed the
    same draws by calling ``draw`` on a generator with the same stream name.
    """

    __slots__ = ("_buffer", "_draw", "_rng")

    def __init__(self, draw: Callable[[np.random.Generator, int], np.ndarray],
                 rng: np.random.Generator) -> None:
        self._draw = draw
        self._rng = rng
        self._buffer: list[float] = []

    def __call__(self) -> float:
        buffer = self._buffer
        if not buffer:
            block = self._draw(self._rng, BLOCK_SIZE)
            buffer.extend(block[::-1].tolist())
        return buffer.pop()
