"""Columnar recorders: append-only typed arrays, no per-request Python objects kept.

Why ``array.array``: appending a float costs about as much as appending to a list, but
stores 8 bytes instead of a pointer plus a 24-byte float object. The request log is a
chunk of rows the recorder (sim/measure/recorder.py) folds into streaming summaries and
clears; numpy reads the columns without copying.
"""

from __future__ import annotations

import math
from array import array

import numpy as np


class RequestLog:
    """One row per user request, appended when the request's outcome is delivered (a chunk
    of them: the recorder empties it as it folds them into the summaries)."""

    __slots__ = ("attempts", "client", "key", "latency_s", "request_class", "source",
                 "stale_s", "status", "t_start_s", "version")

    def __init__(self) -> None:
        self.t_start_s = array("d")
        self.latency_s = array("d")
        self.status = array("b")
        self.source = array("b")
        self.attempts = array("i")
        self.client = array("i")
        self.key = array("i")
        self.version = array("i")
        self.stale_s = array("f")  # float32: staleness needs no nanosecond precision
        self.request_class = array("b")

    def __len__(self) -> int:
        return len(self.t_start_s)

    def columns(self) -> dict[str, np.ndarray]:
        """Zero-copy numpy views of every column."""
        return {name: np.frombuffer(getattr(self, name), dtype=getattr(self, name).typecode)
                if len(getattr(self, name)) else np.array([], dtype=getattr(self, name).typecode)
                for name in self.__slots__}


class Gauge:
    """A piecewise-constant quantity with its exact time integral (queue length, busy)."""

    __slots__ = ("area", "last_t", "value")

    def __init__(self) -> None:
        self.value = 0.0
        self.last_t = 0.0
        self.area = 0.0

    def set(self, now: float, value: float) -> None:
        self.area += self.value * (now - self.last_t)
        self.last_t = now
        self.value = value

    def area_at(self, now: float) -> float:
        return self.area + self.value * (now - self.last_t)


SERIES_BINS = 200
"""Time bins of a run's series (for plots), over its whole duration."""


class TimeSeries:
    """Per-bin counts and gauge averages for plots over time.

    Counts are incremented by bin index; gauges are sampled as the difference of their
    integrals at bin boundaries (a sampler process does one event per bin, not per change).
    """

    def __init__(self, bin_s: float, bins: int) -> None:
        self.bin_s = bin_s
        self.counts: dict[str, np.ndarray] = {}
        self.averages: dict[str, np.ndarray] = {}
        self.bins = bins

    def counter(self, name: str) -> np.ndarray:
        return self.counts.setdefault(name, np.zeros(self.bins, dtype=np.int64))

    def bin_of(self, t: float) -> int:
        return min(int(t / self.bin_s), self.bins - 1)

    def gauge_series(self, name: str) -> np.ndarray:
        return self.averages.setdefault(name, np.full(self.bins, math.nan))
