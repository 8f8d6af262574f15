"""The ``delay`` layer: time a call spends on the way, before the layers below see it.

Why a layer and not more backend latency: the round trip between a browser and an API is
paid per network call, not per request, and where the layer stands says which calls pay
it. Below a cache, a hit pays nothing and a miss pays the trip; above a timeout, the trip
eats into the timeout's budget; below a retry, every attempt pays it again. Backend
latency could not say any of that.

The whole delay is waited before the call is passed on (the request reaches the backend
one delay later, and the answer comes straight back). For what asyncsim measures this is
the same as half each way: latency gets the whole delay either way, and a backend sees the
same arrival order shifted in time.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from simpy.events import Event, Timeout

from asyncsim.sim.distributions import Distribution
from asyncsim.sim.engine import BlockSampler
from asyncsim.sim.layers.base import BuildContext, Call, Scope
from asyncsim.sim.outcome import Outcome
from asyncsim.sim.request import Request


@dataclass(frozen=True)
class DelaySpec:
    latency: Distribution
    scope: Scope = "shared"
    kind: str = "delay"

    def build(self, ctx: BuildContext, next_call: Call) -> DelayLayer:
        return DelayLayer(ctx, self, next_call)


class DelayLayer:
    def __init__(self, ctx: BuildContext, spec: DelaySpec, next_call: Call) -> None:
        self.env = ctx.env
        self.next = next_call
        self._delay_s = BlockSampler(spec.latency.draw, ctx.generator("delay"))

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        yield Timeout(self.env, self._delay_s())
        return (yield from self.next(request))
