"""Client timeouts: per attempt (``timeout``) and across attempts (``deadline``).

The call below runs as its own process so that, when the timer wins, the caller moves on
while the work below goes on (the server does not know the client gave up). The call
carries the deadline (unless ``propagate`` is off, as for a plain HTTP client that sends
no deadline header), so a backend with ``drop_expired`` can skip it if still queued.

A ``deadline`` is the same mechanism placed above a retry layer: the whole request, retries
and backoff included, must finish by then, and because the deadline travels with the
request the retry layer below stops retrying when a retry could no longer start in time
(gRPC's call deadline and Envoy's route timeout both span all attempts). Placed below a
retry, the same layer is a per-attempt timeout, which is why ``timeout`` is the name
used there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, cast

from simpy.events import Event, Process

from asyncsim.sim.engine import race
from asyncsim.sim.layers.base import BuildContext, Call, Scope
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.request import Request


@dataclass(frozen=True)
class TimeoutSpec:
    timeout_s: float
    scope: Scope = "shared"
    kind: str = "timeout"
    propagate: bool = True
    """Whether the call below carries the deadline (what ``drop_expired`` reads)."""

    def build(self, ctx: BuildContext, next_call: Call) -> TimeoutLayer:
        return TimeoutLayer(ctx, self, next_call)


class TimeoutLayer:
    def __init__(self, ctx: BuildContext, spec: TimeoutSpec, next_call: Call) -> None:
        self.env = ctx.env
        self.timeout_s = spec.timeout_s
        self.propagate = spec.propagate
        self.next = next_call
        self.counters: Counter[str] = Counter()

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        env = self.env
        attempt = (request.with_deadline(env._now + self.timeout_s) if self.propagate
                   else request)
        work = Process(env, self.next(attempt))
        yield race(env, work, self.timeout_s)
        if work.triggered:  # an answer at the very instant of the timer still counts
            return cast(Outcome, work.value)
        self.counters["timeouts"] += 1
        return Outcome(Status.TIMEOUT, attempts=1)
