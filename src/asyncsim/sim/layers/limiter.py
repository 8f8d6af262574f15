"""Adaptive concurrency limit on the client: at most ``limit`` calls in flight; the limit
is learned from the answers (Netflix concurrency-limits).

A call that finds ``limit`` calls in flight is refused locally (``REJECTED``, counted in
``counters["rejected"]``, no yield). When a call ends, the limit is updated by the
algorithm from its round-trip time, the calls in flight when it was sent, and whether it
was dropped (the backend rejected it or it timed out).

- **aimd** (``AIMDLimit.java``): a drop, or a round trip over ``timeout_s``, multiplies the
  limit by ``backoff_ratio`` (rounded down); otherwise, when the call was sent with at
  least half the limit in flight, the limit grows by 1. Clamped to [min, max].

The limit's time average over the measured window is the ``limit`` gauge
(``concurrency_limit`` metric).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Literal

from simpy.events import Event

from asyncsim.sim.layers.base import BuildContext, Call, Scope
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.request import Request

DROPS = frozenset({Status.REJECTED, Status.TIMEOUT})


@dataclass(frozen=True)
class LimiterSpec:
    algorithm: Literal["aimd"] = "aimd"
    initial_limit: int = 20
    min_limit: int = 20
    max_limit: int = 200
    backoff_ratio: float = 0.9
    timeout_s: float = 5.0
    scope: Scope = "shared"
    kind: str = "limiter"

    def __post_init__(self) -> None:
        if not (1 <= self.min_limit <= self.max_limit and 0.5 <= self.backoff_ratio < 1
                and self.timeout_s > 0):
            raise ValueError("a concurrency limiter needs 1 <= min_limit <= max_limit, "
                             "0.5 <= backoff_ratio < 1 and timeout_s > 0")

    def build(self, ctx: BuildContext, next_call: Call) -> LimiterLayer:
        return LimiterLayer(ctx, self, next_call)


class LimiterLayer:
    def __init__(self, ctx: BuildContext, spec: LimiterSpec, next_call: Call) -> None:
        self.env = ctx.env
        self.next = next_call
        self.spec = spec
        self.limit = min(spec.max_limit, max(spec.min_limit, spec.initial_limit))
        self.in_flight = 0
        self.gauge = ctx.gauge("limit")
        self.gauge.set(ctx.env.now, self.limit)
        self.counters: Counter[str] = Counter()

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        env = self.env
        if self.in_flight >= self.limit:
            self.counters["rejected"] += 1
            return Outcome(Status.REJECTED)
        self.in_flight += 1
        sent_with, started = self.in_flight, env._now
        try:
            outcome: Outcome = yield from self.next(request)
        finally:
            self.in_flight -= 1
        self._update(env._now - started, sent_with, outcome.status in DROPS)
        return outcome

    def _update(self, rtt_s: float, in_flight: int, dropped: bool) -> None:
        spec, limit = self.spec, self.limit
        if dropped or rtt_s > spec.timeout_s:
            limit = int(limit * spec.backoff_ratio)
        elif in_flight * 2 >= limit:
            limit += 1
        limit = min(spec.max_limit, max(spec.min_limit, limit))
        if limit != self.limit:
            self.limit = limit
            self.gauge.set(self.env._now, limit)
