"""The plain unit: one request for a key drawn from the key popularity."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from simpy.events import Event

from asyncsim.sim.outcome import Outcome
from asyncsim.sim.workload.context import WorkloadContext
from asyncsim.sim.workload.keys import KeySpec, key_draw
from asyncsim.sim.workload.load.models import (
    ClosedLoad,
    LoadModel,
    OpenLoad,
    TraceLoad,
    start_load,
)


@dataclass(frozen=True)
class PlainRequest:
    """One request to ``target``; in a closed loop it runs inline in the user's process."""

    target: str
    keys: KeySpec = field(default_factory=KeySpec)
    LOADS: ClassVar[tuple[type, ...]] = (OpenLoad, ClosedLoad, TraceLoad)

    @property
    def targets(self) -> tuple[str, ...]:
        return (self.target,)

    def start(self, ctx: WorkloadContext, load: LoadModel) -> None:
        assert isinstance(load, OpenLoad | ClosedLoad | TraceLoad)
        driver, call, target = ctx.driver, ctx.call_for(self.target), self.target
        next_key = key_draw(ctx, self.keys, isinstance(load, TraceLoad))

        def start(client: int) -> None:
            driver.start(call, driver.new_request(next_key(), client, target))

        def inline(client: int) -> Generator[Event, Any, Outcome]:
            return driver.run(call, driver.new_request(next_key(), client, target))

        start_load(ctx, load, start, inline)
