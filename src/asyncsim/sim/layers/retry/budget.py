"""What may stop a retry that the retry policy itself would make: budgets and throttles.

Why a separate module: the three mechanisms real systems use bound retry *load* in
different ways, and a retry storm is exactly the case where that difference shows.

* :class:`RateBudget`: Finagle's ``RetryBudget`` (docs/library-defaults.md §1.9): a leaky token
  bucket. Each request deposits 1, each retry withdraws ``1/fraction``; deposits and
  withdrawals expire after ``ttl``; a constant reserve of ``min_per_s·ttl`` retries' worth
  of tokens lets a quiet client retry at all. Over any ``ttl`` window:
  retries ≤ fraction·requests + min_per_s·ttl.
* :class:`ConcurrencyBudget`: Envoy's ``retry_budget`` and its ``max_retries`` circuit
  breaker (§1.8): retries in progress ≤ max(min_concurrent, fraction·requests in progress).
  As in Envoy (issue #30205), the check is made when the retry is decided and a retry only
  counts once it is sent, so retries waiting in backoff are not counted.
* :class:`TokenThrottle`: gRPC's ``retryThrottling`` (§1.7): ``tokens`` start at
  ``max_tokens``; each failed attempt takes 1, each success adds ``token_ratio``; retries
  are allowed only while ``tokens > max_tokens/2``.

Every gate sees the same events from the retry layer; the ones it does not need are no-ops.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

WINDOW_SLICES = 10
"""Finagle's WindowedAdder splits the ttl into 10 slices; expiry is per slice."""


class RetryGate(Protocol):
    def request_started(self, now: float) -> None:
        """A user request entered the retry layer."""

    def request_finished(self) -> None:
        """That request left the retry layer (success, give-up or exhausted)."""

    def attempt_done(self, ok: bool, counted_failure: bool) -> None:
        """An attempt answered: ``ok``, or a failure the policy would retry on."""

    def allow_retry(self, now: float) -> bool:
        """May a retry be made now? (A True answer withdraws from a budget.)"""

    def retry_sent(self) -> None:
        """The retry's attempt starts (after any backoff)."""

    def retry_done(self) -> None:
        """The retry's attempt answered."""


class GateSpec(Protocol):
    def build(self) -> RetryGate: ...


@dataclass(frozen=True)
class RateBudgetSpec:
    fraction: float = 0.2
    min_per_s: float = 10.0
    ttl_s: float = 10.0

    def build(self) -> RateBudget:
        return RateBudget(self)


@dataclass(frozen=True)
class ConcurrencyBudgetSpec:
    fraction: float = 0.2
    min_concurrent: int = 3

    def build(self) -> ConcurrencyBudget:
        return ConcurrencyBudget(self)


@dataclass(frozen=True)
class TokenThrottleSpec:
    max_tokens: float = 10.0
    token_ratio: float = 0.1

    def build(self) -> TokenThrottle:
        return TokenThrottle(self)


class _Gate:
    """No-op defaults, so each gate writes only the events it uses."""

    def request_started(self, now: float) -> None:
        return None

    def request_finished(self) -> None:
        return None

    def attempt_done(self, ok: bool, counted_failure: bool) -> None:
        return None

    def allow_retry(self, now: float) -> bool:
        return True

    def retry_sent(self) -> None:
        return None

    def retry_done(self) -> None:
        return None


class WindowedSum:
    """A sum over the last ``window_s`` seconds, expired in ``WINDOW_SLICES`` slices."""

    __slots__ = ("_current", "_slices", "_width_s")

    def __init__(self, window_s: float) -> None:
        self._width_s = window_s / WINDOW_SLICES
        self._slices = [0.0] * WINDOW_SLICES
        self._current = 0

    def _advance(self, now: float) -> None:
        index = math.floor(now / self._width_s)
        gap = index - self._current
        if gap <= 0:
            return
        slices = self._slices
        for step in range(1, min(gap, WINDOW_SLICES) + 1):
            slices[(self._current + step) % WINDOW_SLICES] = 0.0
        self._current = index

    def add(self, now: float, amount: float) -> None:
        self._advance(now)
        self._slices[self._current % WINDOW_SLICES] += amount

    def total(self, now: float) -> float:
        self._advance(now)
        return sum(self._slices)


class RateBudget(_Gate):
    def __init__(self, spec: RateBudgetSpec) -> None:
        self._window = WindowedSum(spec.ttl_s)
        self._deposit = 1.0 if spec.fraction > 0 else 0.0
        self._withdrawal = 1.0 / spec.fraction if spec.fraction > 0 else 1.0
        self._reserve = spec.min_per_s * spec.ttl_s * self._withdrawal

    def request_started(self, now: float) -> None:
        if self._deposit:
            self._window.add(now, self._deposit)

    def allow_retry(self, now: float) -> bool:
        # A tiny tolerance: 1/0.2 is not exactly 5 in binary, and Finagle counts integers.
        if self._window.total(now) + self._reserve + 1e-9 >= self._withdrawal:
            self._window.add(now, -self._withdrawal)
            return True
        return False


class ConcurrencyBudget(_Gate):
    def __init__(self, spec: ConcurrencyBudgetSpec) -> None:
        self._fraction = spec.fraction
        self._minimum = spec.min_concurrent
        self.active_requests = 0
        self.active_retries = 0

    def request_started(self, now: float) -> None:
        self.active_requests += 1

    def request_finished(self) -> None:
        self.active_requests -= 1

    def allow_retry(self, now: float) -> bool:
        limit = max(self._minimum, self._fraction * self.active_requests)
        return self.active_retries < limit

    def retry_sent(self) -> None:
        self.active_retries += 1

    def retry_done(self) -> None:
        self.active_retries -= 1


class TokenThrottle(_Gate):
    def __init__(self, spec: TokenThrottleSpec) -> None:
        self._max = spec.max_tokens
        self._ratio = spec.token_ratio
        self.tokens = spec.max_tokens

    def attempt_done(self, ok: bool, counted_failure: bool) -> None:
        if ok:
            self.tokens = min(self._max, self.tokens + self._ratio)
        elif counted_failure:
            self.tokens = max(0.0, self.tokens - 1.0)

    def allow_retry(self, now: float) -> bool:
        return self.tokens > self._max / 2
