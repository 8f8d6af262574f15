"""Per-attempt client timeout.

The attempt runs as its own process so that, when the timer wins, the caller moves on
while the work below goes on (the server does not know the client gave up). The attempt
carries the deadline, so a backend with ``drop_expired`` can skip it if still queued.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, cast

from simpy.events import AnyOf, Event, Process, Timeout

from asyncsim.sim.layers.base import BuildContext, Call, Scope
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.request import Request


@dataclass(frozen=True)
class TimeoutSpec:
    timeout_s: float
    scope: Scope = "shared"
    kind: str = "timeout"

    def build(self, ctx: BuildContext, next_call: Call) -> TimeoutLayer:
        return TimeoutLayer(ctx, self, next_call)


class TimeoutLayer:
    def __init__(self, ctx: BuildContext, spec: TimeoutSpec, next_call: Call) -> None:
        self.env = ctx.env
        self.timeout_s = spec.timeout_s
        self.next = next_call
        self.counters: Counter[str] = Counter()

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        env = self.env
        attempt = request.with_deadline(env._now + self.timeout_s)
        work = Process(env, self.next(attempt))
        yield AnyOf(env, (work, Timeout(env, self.timeout_s)))
        if work.processed:
            return cast(Outcome, work.value)
        self.counters["timeouts"] += 1
        return Outcome(Status.TIMEOUT, attempts=1)
