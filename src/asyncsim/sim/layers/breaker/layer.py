"""Circuit breaker: stop calling a backend that keeps failing, probe it, resume.

States and transitions (timestamps are simulated seconds)::

    CLOSED --trip--> OPEN --open time over, next call--> HALF_OPEN --judged ok--> CLOSED
                      ^                                      |
                      +-------------- reopen ----------------+

* **Tripping** (CLOSED): after ``consecutive_failures`` failures in a row (pybreaker,
  Finagle), and/or when a sliding window (count or time, see ``breaker_window``) holding
  at least ``minimum_calls`` calls has a failure rate or slow-call rate at or above its
  threshold (resilience4j, Polly v8; ``trip_above`` makes it strictly above, as Finagle's
  "success rate < 0.8"). A slow call took longer than ``slow_call_s``.
* **Open**: calls are short-circuited (``Status.SHORT_CIRCUITED``, returned without
  yielding, so they cost no SimPy event). The n-th open in a row (n = 0, 1, ...) lasts
  ``open_duration_s(spec, n, u)``: constant, growing by ``open_multiplier`` up to
  ``open_max_s``, optionally equal-jittered as Finagle's ``Backoff.equalJittered``.
* **Half-open**: the breaker moves to half-open when its open time is over (the libraries
  do it lazily, at the next call; the open time ends at ``open_until`` either way). It
  admits ``half_open_calls`` trial calls (``None``: all calls, as pybreaker). With a rate
  window and a finite limit the trial is judged as a window of that many calls
  (resilience4j); otherwise the first failure reopens and ``half_open_successes``
  successes close (pybreaker, and the one-probe breakers). ``half_open_max_wait_s`` ends an
  unfinished trial by reopening (resilience4j ``maxWaitDurationInHalfOpenState``);
  ``half_open_reprobe`` grants a new probe each open duration while the last one is
  unresolved (Polly v8).

Which outcomes count: statuses in ``failure_statuses`` are failures, OK is a success, any
other status (a fallback or an inner breaker's refusal) is not counted. A call admitted
before the breaker opened and finishing later does not count while open, nor toward a
half-open trial it was not part of.

Recorded: counters ``trips`` (closed to open), ``reopens`` (half-open to open),
``half_opens``, ``closes``, ``short_circuited``, and at the end of the run ``open_us``,
``half_open_us`` and ``measured_us`` (microseconds in each state within the measured
window; Counter values are integers). The time series ``breaker_open:<target>:<position>``
holds per bin the open time divided by the bin width (the share of the bin spent open, or
for per-client breakers the mean number of open breakers), and ``breaker_trips:...`` the
trips per bin.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from simpy.events import Event

from asyncsim.sim.layers.base import BuildContext, Call, Scope
from asyncsim.sim.layers.breaker.window import FAILED, SLOW, CountWindow, TimeWindow, Window
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.request import Request

CLOSED, OPEN, HALF_OPEN = 0, 1, 2
WindowKind = Literal["consecutive", "count", "time"]
OpenJitter = Literal["none", "equal"]
DEFAULT_FAILURES = frozenset({Status.ERROR, Status.TIMEOUT, Status.REJECTED})


@dataclass(frozen=True)
class BreakerSpec:
    """Parameters of one breaker; rates are percentages in (0, 100]."""

    window: WindowKind = "consecutive"
    consecutive_failures: int | None = 5
    window_size: int = 100
    window_s: float = 60.0
    buckets: int = 10
    failure_rate_pct: float | None = None
    slow_call_rate_pct: float | None = None
    slow_call_s: float = math.inf
    minimum_calls: int = 1
    trip_above: bool = False
    open_s: float = 60.0
    open_multiplier: float = 1.0
    open_max_s: float = math.inf
    open_jitter: OpenJitter = "none"
    half_open_calls: int | None = 1
    half_open_successes: int = 1
    half_open_max_wait_s: float = math.inf
    half_open_reprobe: bool = False
    failure_statuses: frozenset[Status] = DEFAULT_FAILURES
    scope: Scope = "shared"
    kind: str = "breaker"

    def __post_init__(self) -> None:
        if self.window == "consecutive" and self.consecutive_failures is None:
            raise ValueError("a consecutive-failure breaker needs consecutive_failures")
        if self.window != "consecutive" and self.failure_rate_pct is None \
                and self.slow_call_rate_pct is None:
            raise ValueError(f"a {self.window} window needs a failure or slow-call rate")
        for name in ("failure_rate_pct", "slow_call_rate_pct"):
            rate = getattr(self, name)
            if rate is not None and not 0 < rate <= 100:
                raise ValueError(f"{name} must be in (0, 100], got {rate}")
        if self.half_open_calls is not None and self.half_open_calls < 1:
            raise ValueError("half_open_calls must be at least 1 (None: unlimited)")
        if min(self.window_size, self.buckets, self.minimum_calls,
               self.half_open_successes, self.consecutive_failures or 1) < 1:
            raise ValueError("window_size, buckets, minimum_calls, half_open_successes and "
                             "consecutive_failures must be at least 1")
        if self.open_s <= 0 or self.open_multiplier < 1 or self.window_s <= 0:
            raise ValueError("open_s and window_s must be positive, open_multiplier >= 1")

    @property
    def judges_trial_as_window(self) -> bool:
        """resilience4j-style half-open: a window of exactly ``half_open_calls`` calls."""
        return self.window != "consecutive" and self.half_open_calls is not None

    @property
    def effective_minimum_calls(self) -> int:
        """resilience4j: a count window trips on min(minimumNumberOfCalls, size) calls."""
        if self.window == "count":
            return min(self.minimum_calls, self.window_size)
        return self.minimum_calls

    def build(self, ctx: BuildContext, next_call: Call) -> BreakerLayer:
        return BreakerLayer(ctx, self, next_call)


def open_duration_s(spec: BreakerSpec, opens: int, uniform: float) -> float:
    """How long the ``opens``-th consecutive open lasts (0 = a trip from closed).

    ``open_s * open_multiplier**opens`` capped at ``open_max_s`` (resilience4j's
    ``IntervalFunction.ofExponentialBackoff`` with attempts = opens + 1). With equal
    jitter, as Finagle's ``Backoff.equalJittered(start, max)``: the first open lasts
    ``open_s`` exactly, later ones keep half of the exponential value and add a uniform
    draw (``uniform`` in [0, 1)) times the other half.
    """
    try:
        value = spec.open_s * math.pow(spec.open_multiplier, opens)
    except OverflowError:
        value = math.inf
    if spec.open_jitter == "equal" and opens > 0:
        value = value / 2 * (1.0 + uniform)
    return min(value, spec.open_max_s)


def _window(spec: BreakerSpec) -> Window | None:
    if spec.window == "count":
        return CountWindow(spec.window_size)
    if spec.window == "time":
        return TimeWindow(spec.window_s, spec.buckets)
    return None


class BreakerLayer:
    def __init__(self, ctx: BuildContext, spec: BreakerSpec, next_call: Call) -> None:
        self.env = ctx.env
        self.spec = spec
        self.next = next_call
        self.counters: Counter[str] = Counter()
        self.state = CLOSED
        self.epoch = 0               # bumped on every transition; tags half-open trials
        self.since = ctx.env.now     # when the current state began
        self.open_until = 0.0
        self.open_s = 0.0            # length of the current (or last) open period
        self.opens = 0               # opens in a row since the last close
        self.consecutive = 0
        self.window = _window(spec)
        self._failure_statuses = spec.failure_statuses
        self._slow_s = spec.slow_call_s
        self._minimum = spec.effective_minimum_calls
        self._trial_start_s = 0.0    # when half-open began admitting calls
        self._permits_at_s = 0.0     # when the current half-open permits were granted
        self._admitted = 0
        self._judged = self._failed = self._slow = self._succeeded = 0
        self._rng = ctx.generator("open-jitter") if spec.open_jitter == "equal" else None
        self._warmup_s = ctx.warmup_s
        self._end_s = ctx.duration_s
        self._created_s = ctx.env.now
        self._open_time_s = 0.0
        self._half_open_time_s = 0.0
        name = f"{ctx.target}:{ctx.position}"
        series = ctx.series
        self._bin_s = series.bin_s
        self._open_series = series.averages.setdefault(f"breaker_open:{name}",
                                                       np.zeros(series.bins))
        self._trip_series = series.counter(f"breaker_trips:{name}")
        self._series = series

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        env = self.env
        start = env._now
        if self.state != CLOSED and not self._admit(start):
            self.counters["short_circuited"] += 1
            return Outcome(Status.SHORT_CIRCUITED)
        epoch = self.epoch
        outcome: Outcome = yield from self.next(request)
        self._record(outcome.status, env._now - start, epoch)
        return outcome

    def close(self, end_s: float) -> None:
        """End of the run: count the current state's time and publish the state times."""
        self._account(self.since, end_s)
        self.since = max(self.since, end_s)
        measured_s = max(0.0, end_s - max(self._warmup_s, self._created_s))
        self.counters["open_us"] = round(self._open_time_s * 1e6)
        self.counters["half_open_us"] = round(self._half_open_time_s * 1e6)
        self.counters["measured_us"] = round(measured_s * 1e6)

    # ------------------------------------------------------------------ admission

    def _admit(self, now: float) -> bool:
        """Whether a call may pass while the breaker is not closed."""
        if self.state == OPEN:
            if now < self.open_until:
                return False
            self._enter(HALF_OPEN, self.open_until)
            self._trial_start_s = self._permits_at_s = now
        spec = self.spec
        deadline = self._trial_start_s + spec.half_open_max_wait_s
        if now >= deadline:  # resilience4j: the trial ran out of time, back to open
            self._open(deadline)
            return self._admit(now)
        limit = spec.half_open_calls
        if limit is None or self._admitted < limit:
            self._admitted += 1
            return True
        if spec.half_open_reprobe and now >= self._permits_at_s + self.open_s:
            self._permits_at_s = now  # Polly v8: a new probe per break duration
            self._admitted = 1
            return True
        return False

    # ------------------------------------------------------------------ outcomes

    def _record(self, status: Status, duration_s: float, epoch: int) -> None:
        state = self.state
        if state == OPEN:
            return
        if status in self._failure_statuses:
            flags = FAILED
        elif status == Status.OK:
            flags = 0
        else:
            return
        if duration_s > self._slow_s:
            flags |= SLOW
        now = self.env._now
        if state == HALF_OPEN:
            if epoch == self.epoch:
                self._judge(now, flags)
            return
        self.consecutive = self.consecutive + 1 if flags & FAILED else 0
        limit = self.spec.consecutive_failures
        if limit is not None and self.consecutive >= limit:
            self._open(now)
            return
        window = self.window
        if window is not None:
            window.record(now, flags)
            if window.calls >= self._minimum and self._exceeds(window.failures, window.slow,
                                                               window.calls):
                self._open(now)

    def _judge(self, now: float, flags: int) -> None:
        """One trial call finished while half-open."""
        spec = self.spec
        if spec.judges_trial_as_window:
            self._judged += 1
            self._failed += flags & FAILED
            self._slow += (flags & SLOW) >> 1
            if self._judged >= (spec.half_open_calls or 1):
                if self._exceeds(self._failed, self._slow, self._judged):
                    self._open(now)
                else:
                    self._close(now)
        elif flags & FAILED:
            self._open(now)
        else:
            self._succeeded += 1
            if self._succeeded >= spec.half_open_successes:
                self._close(now)

    def _exceeds(self, failures: int, slow: int, calls: int) -> bool:
        spec = self.spec
        for count, threshold in ((failures, spec.failure_rate_pct),
                                 (slow, spec.slow_call_rate_pct)):
            if threshold is not None:
                rate = count * 100.0 / calls
                if rate > threshold or (rate == threshold and not spec.trip_above):
                    return True
        return False

    # ------------------------------------------------------------------ transitions

    def _open(self, t: float) -> None:
        reopen = self.state == HALF_OPEN
        uniform = float(self._rng.random()) if self._rng is not None and self.opens else 0.0
        self.open_s = open_duration_s(self.spec, self.opens, uniform)
        self.opens += 1
        self._enter(OPEN, t)
        self.open_until = t + self.open_s
        if reopen:
            self._count("reopens", t)
        else:
            self._count("trips", t)
            self._trip_series[self._series.bin_of(t)] += 1

    def _close(self, t: float) -> None:
        self.opens = 0
        self.consecutive = 0
        if self.window is not None:
            self.window.reset()
        self._enter(CLOSED, t)
        self._count("closes", t)

    def _enter(self, state: int, t: float) -> None:
        self._account(self.since, t)
        self.state = state
        self.since = t
        self.epoch += 1
        if state == HALF_OPEN:
            self._admitted = self._judged = self._failed = self._slow = self._succeeded = 0
            self._count("half_opens", t)

    def _count(self, name: str, t: float) -> None:
        if t >= self._warmup_s:
            self.counters[name] += 1

    def _account(self, t0: float, t1: float) -> None:
        """Add the time [t0, t1] spent in the current state to its totals.

        An open breaker whose open time ran out before ``t1`` was ready for a trial from
        ``open_until`` on (the libraries only notice at the next call): that part counts
        as half-open, so the open time is the time calls were refused by the timer.
        """
        if self.state == CLOSED:
            return
        if self.state == OPEN:
            split = min(t1, self.open_until)
            self._open_time_s += self._measured(t0, split)
            _spread(self._open_series, self._bin_s, t0, min(split, self._end_s))
            t0 = split
        self._half_open_time_s += self._measured(t0, t1)

    def _measured(self, t0: float, t1: float) -> float:
        """The part of [t0, t1] inside the measured window."""
        return max(0.0, min(t1, self._end_s) - max(t0, self._warmup_s))


def _spread(values: np.ndarray, bin_s: float, t0: float, t1: float) -> None:
    """Add the share of each bin covered by [t0, t1] to ``values``."""
    index = int(t0 / bin_s)
    while t0 < t1 and index < len(values):
        edge = (index + 1) * bin_s
        values[index] += (min(t1, edge) - t0) / bin_s
        t0 = edge
        index += 1
