"""Envoy's adaptive concurrency filter, gradient controller (``gradient_controller.cc``).

Time-driven, not per sample:

- **minRTT window**: at the start, and every ``min_rtt_interval_s`` plus a jitter (uniform
  on [0, jitter x interval)), the limit is pinned to ``min_concurrency`` until
  ``request_count`` calls sent since the window began have finished; their
  ``percentile`` is the new minRTT and the limit goes back to what it was. Five sample
  windows in a row that set the limit to ``min_concurrency`` start one at once.
- **sample window**: every ``update_interval_s`` (outside a minRTT window) the finished
  calls' ``percentile`` is sampleRTT and
  ``gradient = clamp(minRTT x (1 + buffer) / sampleRTT, 0.5, 2)``,
  ``limit = int(limit x gradient + sqrt(limit x gradient))``, clamped to
  [min_concurrency, max_limit]. A window without finished calls changes nothing.

Envoy runs these on timers; here they run when a call starts or finishes and a timer's
time has passed (in time order, each at its own time), which gives the same limits at
every call without an event per tick. A call that timed out is not sampled (Envoy cancels
the sample of a reset stream); a call sent before the current minRTT window is not either.
Envoy summarises samples with an approximate histogram quantile; here the exact one.
"""

from __future__ import annotations

import math

import numpy as np


def quantile(samples: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``samples``, linear between order statistics."""
    ordered = sorted(samples)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class EnvoyGradient:
    def __init__(self, min_concurrency: int, maximum: int, update_interval_s: float,
                 min_rtt_interval_s: float, request_count: int, jitter: float,
                 buffer: float, percentile: float, rng: np.random.Generator) -> None:
        self.minimum, self.maximum = min_concurrency, maximum
        self.update_interval_s, self.min_rtt_interval_s = update_interval_s, min_rtt_interval_s
        self.request_count, self.jitter = request_count, jitter
        self.buffer, self.q = buffer, percentile
        self._rng = rng
        self.limit = min_concurrency
        self.min_rtt_s = 0.0
        self._samples: list[float] = []
        self._deferred = 0              # the limit to restore; > 0 while in a minRTT window
        self._epoch_s = 0.0
        self._consecutive_min = 0
        self._next_min_rtt_s = math.inf
        self._window_end_s = update_interval_s
        self._enter_min_rtt(0.0)

    def advance(self, now: float) -> int:
        """Run the timers whose time has come, oldest first; the limit now."""
        while self._deferred == 0:
            if self._next_min_rtt_s <= min(now, self._window_end_s):
                self._enter_min_rtt(self._next_min_rtt_s)
            elif self._window_end_s <= now:
                self._reset_window()    # the windows after it up to now are empty: skip
                passed = math.floor((now - self._window_end_s) / self.update_interval_s)
                self._window_end_s += (passed + 1) * self.update_interval_s
            else:
                break
        return self.limit

    def sample(self, now: float, sent_s: float, rtt_s: float) -> int:
        """A finished call (not timed out) sent at ``sent_s``."""
        self.advance(now)
        if sent_s < self._epoch_s:
            return self.limit
        self._samples.append(rtt_s)
        if self._deferred and len(self._samples) >= self.request_count:
            self._update_min_rtt(now)
        return self.limit

    def _enter_min_rtt(self, at_s: float) -> None:
        self._deferred = self.limit
        self._set_limit(self.minimum)
        self._samples.clear()
        self._epoch_s = at_s
        self._next_min_rtt_s = math.inf

    def _update_min_rtt(self, now: float) -> None:
        if self._samples:
            self.min_rtt_s = quantile(self._samples, self.q)
            self._samples.clear()
        self._set_limit(self._deferred)
        self._deferred = 0
        interval = self.min_rtt_interval_s
        self._next_min_rtt_s = now + interval + self._rng.uniform(0, interval * self.jitter)
        self._window_end_s = now + self.update_interval_s

    def _reset_window(self) -> None:
        if not self._samples:
            return
        sample_rtt = quantile(self._samples, self.q)
        self._samples.clear()
        buffered = self.min_rtt_s * (1 + self.buffer)
        gradient = max(0.5, min(2.0, buffered / sample_rtt)) if sample_rtt > 0 else 2.0
        limit = self.limit * gradient
        new = int(limit + math.sqrt(limit))
        self._set_limit(max(self.minimum, min(self.maximum, new)))

    def _set_limit(self, new: int) -> None:
        """``updateConcurrencyLimit``: five sample windows in a row at the minimum start a
        minRTT window at once (the minRTT may be wrong)."""
        old, self.limit = self.limit, new
        if not self._deferred and old == self.minimum and new == self.minimum:
            self._consecutive_min += 1
        else:
            self._consecutive_min = 0
        if self._consecutive_min >= 5:
            self._next_min_rtt_s = self._window_end_s  # the timer fires now: at this tick
