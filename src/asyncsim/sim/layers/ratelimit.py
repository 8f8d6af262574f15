"""Rate limiter: a token bucket of ``burst`` tokens refilled at ``rate_per_s``.

A call takes a token and goes on. Without a token it may wait up to ``max_wait_s`` for
one: the wait is reserved at once (the bucket goes into debt), as resilience4j and Guava
reserve permits, so later callers queue behind it in order and no SimPy event is spent
on bookkeeping. A call that would wait longer is rejected (``Status.REJECTED``, counted in
``counters["rejected"]``) without yielding. The bucket starts full.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from simpy.events import Event, Timeout

from asyncsim.sim.layers.base import BuildContext, Call, Scope
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.request import Request


@dataclass(frozen=True)
class RateLimitSpec:
    rate_per_s: float
    burst: int = 1
    max_wait_s: float = 0.0
    scope: Scope = "shared"
    kind: str = "ratelimit"

    def __post_init__(self) -> None:
        if self.rate_per_s <= 0 or self.burst < 1 or self.max_wait_s < 0:
            raise ValueError("a rate limit needs rate_per_s > 0, burst >= 1, max_wait_s >= 0")

    def build(self, ctx: BuildContext, next_call: Call) -> RateLimitLayer:
        return RateLimitLayer(ctx, self, next_call)


class RateLimitLayer:
    def __init__(self, ctx: BuildContext, spec: RateLimitSpec, next_call: Call) -> None:
        self.env = ctx.env
        self.next = next_call
        self.rate_per_s = spec.rate_per_s
        self.burst = float(spec.burst)
        self.max_wait_s = spec.max_wait_s
        self.tokens = float(spec.burst)
        self.updated_s = ctx.env.now
        self.counters: Counter[str] = Counter()

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        env = self.env
        now = env._now
        tokens = min(self.burst, self.tokens + (now - self.updated_s) * self.rate_per_s)
        self.updated_s = now
        if tokens >= 1.0:
            self.tokens = tokens - 1.0
        else:
            wait_s = (1.0 - tokens) / self.rate_per_s
            if wait_s > self.max_wait_s:
                self.tokens = tokens
                self.counters["rejected"] += 1
                return Outcome(Status.REJECTED)
            self.tokens = tokens - 1.0
            self.counters["waited"] += 1
            yield Timeout(env, wait_s)
        outcome: Outcome = yield from self.next(request)
        return outcome
