"""The statistics a circuit breaker trips on: sliding windows of call outcomes.

Two windows, as resilience4j names them (docs/library-defaults.md §1.5):

* :class:`CountWindow`: the last N outcomes in a ring (COUNT_BASED);
* :class:`TimeWindow`: outcomes in ``buckets`` equal time slices covering ``window_s``,
  the oldest slice dropped whole when time moves past it (TIME_BASED with 1-s buckets in
  resilience4j, 10 buckets over the sampling duration in Polly v8 ``HealthMetrics``).

Both keep running totals (subtract on evict), so recording an outcome costs O(1) and
reading the rates costs nothing: a breaker checks its thresholds after every call.
"""

from __future__ import annotations

from typing import Protocol

FAILED = 1
SLOW = 2
"""Bit flags of one outcome in a window."""


class Window(Protocol):
    calls: int
    failures: int
    slow: int

    def record(self, now: float, flags: int) -> None: ...

    def reset(self) -> None: ...


class CountWindow:
    """The last ``size`` outcomes."""

    __slots__ = ("_next", "_ring", "calls", "failures", "size", "slow")

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"a count window needs at least one call, got {size}")
        self.size = size
        self._ring = bytearray(size)
        self._next = 0
        self.calls = 0
        self.failures = 0
        self.slow = 0

    def record(self, now: float, flags: int) -> None:
        ring, index = self._ring, self._next
        if self.calls == self.size:
            old = ring[index]
            self.failures -= old & FAILED
            self.slow -= (old & SLOW) >> 1
        else:
            self.calls += 1
        ring[index] = flags
        self.failures += flags & FAILED
        self.slow += (flags & SLOW) >> 1
        self._next = index + 1 if index + 1 < self.size else 0

    def reset(self) -> None:
        self._ring = bytearray(self.size)
        self._next = self.calls = self.failures = self.slow = 0


class TimeWindow:
    """Outcomes of the last ``buckets`` time slices of ``window_s / buckets`` seconds.

    The current slice is the one containing ``now``; the window therefore spans between
    ``(buckets - 1)`` and ``buckets`` slices, as a bucketed window does in the libraries.
    """

    __slots__ = ("_calls", "_fails", "_head", "_slows", "_width", "buckets", "calls",
                 "failures", "slow")

    def __init__(self, window_s: float, buckets: int) -> None:
        if window_s <= 0 or buckets < 1:
            raise ValueError(f"a time window needs a positive span and buckets, got "
                             f"{window_s} s in {buckets}")
        self.buckets = buckets
        self._width = window_s / buckets
        self._calls = [0] * buckets
        self._fails = [0] * buckets
        self._slows = [0] * buckets
        self._head = 0  # absolute index of the current slice
        self.calls = 0
        self.failures = 0
        self.slow = 0

    def advance(self, now: float) -> None:
        """Drop the slices that ``now`` has left behind."""
        current = int(now / self._width)
        if current == self._head:
            return
        for step in range(1, min(current - self._head, self.buckets) + 1):
            index = (self._head + step) % self.buckets
            self.calls -= self._calls[index]
            self.failures -= self._fails[index]
            self.slow -= self._slows[index]
            self._calls[index] = self._fails[index] = self._slows[index] = 0
        self._head = current

    def record(self, now: float, flags: int) -> None:
        self.advance(now)
        index = self._head % self.buckets
        self._calls[index] += 1
        self.calls += 1
        if flags & FAILED:
            self._fails[index] += 1
            self.failures += 1
        if flags & SLOW:
            self._slows[index] += 1
            self.slow += 1

    def reset(self) -> None:
        for values in (self._calls, self._fails, self._slows):
            values[:] = [0] * self.buckets
        self.calls = self.failures = self.slow = 0
