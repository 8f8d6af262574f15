"""Client-side adaptive throttling (Google SRE book, "Handling Overload").

Over a sliding window (2 minutes in the book) the client counts ``requests`` (every call
the application asked for, including those refused here) and ``accepts`` (calls the
backend answered: success or an application error, not a rejection, timeout or refusal by
a breaker). A new call is refused locally, without reaching the backend, with probability

    max(0, (requests - K * accepts) / (requests + 1))

so a client sends about K times what the backend accepts: K = 2 in the book (the backend
spends as much rejecting as serving); a lower K throttles sooner. When the backend accepts
a fraction a of the client's requests, the refusal probability settles at max(0, 1 - K a).

The window is kept in ``BUCKETS`` time buckets (an exact count at bucket resolution, no
per-call timestamps kept). Refused calls answer ``REJECTED`` without yielding and are
counted in ``counters["rejected"]``; ``counters["requests"]`` counts every call.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from simpy.events import Event

from asyncsim.sim.engine import BlockSampler
from asyncsim.sim.layers.base import BuildContext, Call, Scope
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.request import Request

BUCKETS = 120
NOT_ACCEPTED = frozenset({Status.REJECTED, Status.TIMEOUT, Status.SHORT_CIRCUITED})


@dataclass(frozen=True)
class ThrottleSpec:
    k: float = 2.0
    window_s: float = 120.0
    scope: Scope = "shared"
    kind: str = "throttle"

    def __post_init__(self) -> None:
        if not (self.k >= 1 and self.window_s > 0):
            raise ValueError("adaptive throttling needs k >= 1 and window_s > 0")

    def build(self, ctx: BuildContext, next_call: Call) -> ThrottleLayer:
        return ThrottleLayer(ctx, self, next_call)


class ThrottleLayer:
    def __init__(self, ctx: BuildContext, spec: ThrottleSpec, next_call: Call) -> None:
        self.env = ctx.env
        self.next = next_call
        self.k = spec.k
        self.bucket_s = spec.window_s / BUCKETS
        self._requests = [0] * BUCKETS
        self._accepts = [0] * BUCKETS
        self._total_requests = 0
        self._total_accepts = 0
        self._bucket = 0          # absolute index of the current bucket
        self._uniform = BlockSampler(lambda rng, n: rng.random(n), ctx.generator("throttle"))
        self.counters: Counter[str] = Counter()

    def _advance(self, now: float) -> int:
        """Move the window to ``now``: forget buckets older than the window."""
        current = int(now / self.bucket_s)
        if current - self._bucket >= BUCKETS:
            self._requests = [0] * BUCKETS
            self._accepts = [0] * BUCKETS
            self._total_requests = self._total_accepts = 0
        else:
            for index in range(self._bucket + 1, current + 1):
                slot = index % BUCKETS
                self._total_requests -= self._requests[slot]
                self._total_accepts -= self._accepts[slot]
                self._requests[slot] = self._accepts[slot] = 0
        self._bucket = max(self._bucket, current)
        return current % BUCKETS

    def rejection_probability(self, now: float) -> float:
        self._advance(now)
        requests = self._total_requests
        return max(0.0, (requests - self.k * self._total_accepts) / (requests + 1))

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        now = self.env._now
        probability = self.rejection_probability(now)
        slot = self._bucket % BUCKETS
        self._requests[slot] += 1
        self._total_requests += 1
        self.counters["requests"] += 1
        if probability > 0 and self._uniform() < probability:
            self.counters["rejected"] += 1
            return Outcome(Status.REJECTED)
        outcome: Outcome = yield from self.next(request)
        if outcome.status not in NOT_ACCEPTED:
            slot = self._advance(self.env._now)
            self._accepts[slot] += 1
            self._total_accepts += 1
        return outcome
