"""The two classic load models: open (arrivals regardless of completions) and closed
(N users, each waiting for its answer and thinking before the next request)."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

from simpy.events import Event, Timeout

from asyncsim.sim.distributions import Distribution
from asyncsim.sim.engine import BlockSampler
from asyncsim.sim.workload.context import WorkloadContext
from asyncsim.sim.workload.keys import KeySampler, KeySpec
from asyncsim.sim.workload.load.arrivals import ArrivalSpec
from asyncsim.sim.workload.load.models import OpenLoad, start_load


@dataclass(frozen=True)
class OpenWorkload:
    """Requests arrive on their own schedule; ``users`` clients share them uniformly."""

    arrivals: ArrivalSpec
    target: str
    users: int = 1
    keys: KeySpec = field(default_factory=KeySpec)

    @property
    def targets(self) -> tuple[str, ...]:
        return (self.target,)

    def start(self, ctx: WorkloadContext) -> None:
        driver, call, target = ctx.driver, ctx.call_for(self.target), self.target
        next_key = KeySampler(self.keys, ctx.streams.generator("workload:keys"))

        def one_request(client: int) -> None:
            driver.start(call, driver.new_request(next_key(), client, target))

        start_load(ctx, OpenLoad(self.arrivals, self.users), one_request)


@dataclass(frozen=True)
class ClosedWorkload:
    """``users`` users loop: think, request, wait for the outcome."""

    users: int
    think: Distribution
    target: str
    keys: KeySpec = field(default_factory=KeySpec)

    @property
    def targets(self) -> tuple[str, ...]:
        return (self.target,)

    def start(self, ctx: WorkloadContext) -> None:
        think = BlockSampler(self.think.draw, ctx.streams.generator("workload:think"))
        next_key = KeySampler(self.keys, ctx.streams.generator("workload:keys"))
        for user in range(self.users):
            ctx.env.process(self._user(ctx, user, think, next_key))

    def _user(self, ctx: WorkloadContext, user: int, think: BlockSampler,
              next_key: KeySampler) -> Generator[Event, Any, None]:
        env = ctx.env
        driver = ctx.driver
        call = ctx.call_for(self.target)
        end = ctx.duration_s
        while True:
            pause = think()
            if env._now + pause >= end:
                return
            yield Timeout(env, pause)
            yield from driver.run(call, driver.new_request(next_key(), user, self.target))
