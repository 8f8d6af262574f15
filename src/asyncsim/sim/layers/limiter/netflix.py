"""Netflix concurrency-limits' per-sample limits: AIMD, Vegas and Gradient2.

Each is updated once per finished call with its round-trip time, the calls in flight when
it was sent (itself included) and whether it was dropped (the backend rejected it or it
timed out), as ``AbstractLimit.onSample(startTime, rtt, inflight, didDrop)`` does; each
returns the new limit, an int. The sources and defaults are in docs/library-defaults.md
("Netflix concurrency-limits"); the code follows the Java line by line so a reader can
compare them, with rtt in seconds instead of nanoseconds.
"""

from __future__ import annotations

import math

import numpy as np


def log10_root(limit: int) -> int:
    """``Log10RootFunction``: max(1, int(log10 n)) below 1000 (a lookup table there), and
    int(sqrt(n)) from 1000 on, as the Java does."""
    if limit < 1000:
        return max(1, int(math.log10(limit))) if limit > 0 else 1
    return int(math.sqrt(limit))


class Aimd:
    """``AIMDLimit``: x backoff_ratio on a drop or a round trip over ``timeout_s``; +1 when
    the call was sent with at least half the limit in flight."""

    def __init__(self, initial: int, minimum: int, maximum: int, backoff_ratio: float,
                 timeout_s: float) -> None:
        self.limit = min(maximum, max(minimum, initial))
        self.minimum, self.maximum = minimum, maximum
        self.backoff_ratio, self.timeout_s = backoff_ratio, timeout_s

    def update(self, rtt_s: float, in_flight: int, dropped: bool) -> int:
        limit = self.limit
        if dropped or rtt_s > self.timeout_s:
            limit = int(limit * self.backoff_ratio)
        elif in_flight * 2 >= limit:
            limit += 1
        self.limit = min(self.maximum, max(self.minimum, limit))
        return self.limit


class Vegas:
    """``VegasLimit`` (TCP Vegas): the queue in use is estimated as
    ceil(limit x (1 - rtt_noload / rtt)); at most ``threshold`` queued: + beta; under alpha:
    + log10(limit); over beta: - log10(limit); a drop: - log10(limit). alpha = 3 log10(limit),
    beta = 6 log10(limit), threshold = log10(limit) (``Log10RootFunction``). rtt_noload is the
    lowest round trip seen, re-probed (set to the next sample) every probe_multiplier x limit x
    U(0.5, 1) samples."""

    def __init__(self, initial: int, maximum: int, smoothing: float, probe_multiplier: int,
                 rng: np.random.Generator) -> None:
        self.estimated = float(initial)
        self.limit = initial
        self.maximum, self.smoothing, self.probe_multiplier = maximum, smoothing, probe_multiplier
        self.rtt_noload_s = 0.0
        self._rng = rng
        self._probe_count = 0
        self._probe_jitter = self._jitter()

    def _jitter(self) -> float:
        return float(self._rng.uniform(0.5, 1.0))

    def update(self, rtt_s: float, in_flight: int, dropped: bool) -> int:
        if rtt_s <= 0:      # the Java refuses rtt 0 (Preconditions); a simulated clock has it
            return self.limit
        self._probe_count += 1
        if self._probe_jitter * self.probe_multiplier * self.estimated <= self._probe_count:
            self._probe_jitter = self._jitter()
            self._probe_count = 0
            self.rtt_noload_s = rtt_s
            return self.limit
        if self.rtt_noload_s == 0 or rtt_s < self.rtt_noload_s:
            self.rtt_noload_s = rtt_s
            return self.limit
        estimated = self.estimated
        queue = math.ceil(estimated * (1 - self.rtt_noload_s / rtt_s))
        step = log10_root(int(estimated))
        if dropped:
            new = estimated - step
        elif in_flight * 2 < estimated:
            return self.limit
        elif queue <= step:                  # threshold: no queueing, grow fast
            new = estimated + 6 * step
        elif queue < 3 * step:               # alpha: little queueing, grow
            new = estimated + step
        elif queue > 6 * step:               # beta: queueing, shrink
            new = estimated - step
        else:
            return self.limit
        new = max(1.0, min(float(self.maximum), new))
        self.estimated = (1 - self.smoothing) * estimated + self.smoothing * new
        self.limit = int(self.estimated)
        return self.limit


class Gradient2:
    """``Gradient2Limit``: gradient = clamp(longRtt / shortRtt, 0.5, 1), shortRtt the last
    sample and longRtt an exponential average over ``long_window`` samples (a plain mean
    over the first 10); new = limit x gradient + queue_size, smoothed by ``smoothing``.
    When longRtt is over twice shortRtt it is cut by 10% (recovery after a long overload)."""

    WARMUP = 10

    def __init__(self, initial: int, minimum: int, maximum: int, smoothing: float,
                 queue_size: int, long_window: int) -> None:
        self.estimated = float(initial)
        self.limit = initial
        self.minimum, self.maximum = minimum, maximum
        self.smoothing, self.queue_size = smoothing, queue_size
        self._factor = 2.0 / (long_window + 1)
        self.long_rtt_s = 0.0
        self._count = 0
        self._sum = 0.0

    def _long(self, rtt_s: float) -> float:
        """``ExpAvgMeasurement(longWindow, 10).add``."""
        if self._count < self.WARMUP:
            self._count += 1
            self._sum += rtt_s
            self.long_rtt_s = self._sum / self._count
        else:
            self.long_rtt_s = self.long_rtt_s * (1 - self._factor) + rtt_s * self._factor
        return self.long_rtt_s

    def update(self, rtt_s: float, in_flight: int, dropped: bool) -> int:
        long = self._long(rtt_s)
        ratio = long / rtt_s if rtt_s > 0 else math.inf    # Java's double division
        if ratio > 2:
            self.long_rtt_s *= 0.9
        estimated = self.estimated
        if in_flight < estimated / 2:
            return self.limit
        gradient = max(0.5, min(1.0, ratio))
        new = estimated * gradient + self.queue_size
        new = estimated * (1 - self.smoothing) + new * self.smoothing
        self.estimated = max(float(self.minimum), min(float(self.maximum), new))
        self.limit = int(self.estimated)
        return self.limit
