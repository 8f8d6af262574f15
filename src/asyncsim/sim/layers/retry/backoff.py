"""Backoff delays and jitter: the wait before retry ``n`` as a pure function of ``n`` and
one uniform draw ``u`` in [0, 1).

Why pure functions of (n, u, state): the same formula then serves the simulator (fed from a
named random stream) and the tests (fed fixed uniforms), so a preset's delay sequence can
be checked against its library's documented formula without running a simulation.

Conventions (the libraries disagree, see docs/library-defaults.md §2, so we fix one):

* ``n`` is the 1-based retry number: ``n = 1`` is the wait before the second attempt.
* A *ceiling* ``c(n)`` is computed first and capped; jitter then spreads it:
  none ``c``; full ``U(0, c)``; equal ``c/2 + U(0, c/2)``; proportional ``c·U(1−r, 1+r)``.
  (Capping before jitter is what gRPC, tenacity and the AWS simulator do.)
* Ceilings: constant ``base``; linear ``base·n``; exponential ``min(cap, base·m^(n−1))``
  (first wait = ``base``); envoy ``min(cap, (2^n − 1)·base)``.
* Three kinds carry their own randomness and take no jitter: decorrelated
  ``s_n = min(cap, U(base, 3·s_{n−1}))`` with ``s_0 = base`` (AWS, Finagle); swr
  ``floor((u + 0.5)·2^min(n, 8))·base`` (SWR's ``onErrorRetry``); polly-decorrelated, Polly
  v8's DecorrelatedJitterBackoffV2 ``t = (n−1) + u``, ``x = 2^t·tanh(√(4t))``,
  ``delay = (x − x_prev)·base/1.4``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

BackoffKind = Literal["constant", "linear", "exponential", "envoy", "decorrelated", "swr",
                      "polly-decorrelated"]
JitterKind = Literal["none", "full", "equal", "proportional"]

SELF_RANDOMISED: frozenset[str] = frozenset({"decorrelated", "swr", "polly-decorrelated"})
"""Backoff kinds whose formula already draws the uniform; jitter must be ``none``."""

_POLLY_SCALE = 1 / 1.4
"""Polly's ``RpScalingFactor``: makes the median time of retry k about base·2^k."""
_POLLY_P = 4.0
"""Polly's ``PFactor`` in tanh(√(P·t))."""


@dataclass(frozen=True)
class BackoffSpec:
    """How long to wait before each retry; times in seconds."""

    kind: BackoffKind = "exponential"
    base_s: float = 0.1
    multiplier: float = 2.0
    cap_s: float = math.inf
    jitter: JitterKind = "none"
    ratio: float = 0.0

    @property
    def random(self) -> bool:
        """Whether ``delay`` reads its uniform (callers skip the draw otherwise)."""
        return self.jitter != "none" or self.kind in SELF_RANDOMISED

    @property
    def initial_state(self) -> float:
        """The per-request memory before the first retry (previous sleep or Polly's x)."""
        return self.base_s if self.kind == "decorrelated" else 0.0

    def ceiling_s(self, n: int) -> float:
        """The un-jittered, capped wait before retry ``n`` (kinds without own randomness)."""
        kind = self.kind
        if self.base_s == 0:
            return 0.0
        if kind == "constant":
            raw = self.base_s
        elif kind == "linear":
            raw = self.base_s * n
        elif kind == "exponential":
            raw = self.base_s * _power(self.multiplier, n - 1)
        elif kind == "envoy":
            raw = self.base_s * (_power(2.0, n) - 1.0)
        else:
            raise ValueError(f"{kind} backoff has no deterministic ceiling")
        return min(self.cap_s, raw)

    def delay(self, n: int, u: float, state: float) -> tuple[float, float]:
        """(wait before retry ``n``, new state); ``u`` is one uniform draw in [0, 1)."""
        kind = self.kind
        if kind == "decorrelated":
            base = self.base_s
            sleep = min(self.cap_s, base + u * (3.0 * state - base))
            return sleep, sleep
        if kind == "swr":
            return min(self.cap_s, math.floor((u + 0.5) * 2.0 ** min(n, 8)) * self.base_s), state
        if kind == "polly-decorrelated":
            t = (n - 1) + u
            x = _power(2.0, t) * math.tanh(math.sqrt(_POLLY_P * t))
            if math.isinf(x):
                return self.cap_s, x
            return min(self.cap_s, (x - state) * _POLLY_SCALE * self.base_s), x
        c = self.ceiling_s(n)
        jitter = self.jitter
        if jitter == "none":
            return c, state
        if jitter == "full":
            return u * c, state
        if jitter == "equal":
            return c / 2 + u * c / 2, state
        return c * (1.0 - self.ratio + 2.0 * self.ratio * u), state


def _power(base: float, exponent: float) -> float:
    """base**exponent, infinite instead of OverflowError (unlimited retries get there)."""
    try:
        return float(base ** exponent)
    except OverflowError:
        return math.inf
