"""The plain unit: one request for a key drawn from the key popularity."""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from simpy.events import Event

from asyncsim.sim.engine import BlockSampler
from asyncsim.sim.outcome import Outcome
from asyncsim.sim.request import Request
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
class RequestClass:
    """A kind of request in the mix: its name, its share of requests, its priority (0 is
    served first by a priority queue and shed last)."""

    name: str
    share: float
    priority: int


@dataclass(frozen=True)
class RequestClasses:
    """The log that names the classes the request log's ``request_class`` column indexes."""

    classes: tuple[RequestClass, ...]


@dataclass(frozen=True)
class PlainRequest:
    """One request to ``target``; in a closed loop it runs inline in the user's process.

    With ``classes``, each request's class is drawn from the ``workload:classes`` stream
    (by share), so switching queue or shedding keeps the same mix on the same arrivals.
    """

    target: str
    keys: KeySpec = field(default_factory=KeySpec)
    classes: tuple[RequestClass, ...] = ()
    LOADS: ClassVar[tuple[type, ...]] = (OpenLoad, ClosedLoad, TraceLoad)

    @property
    def targets(self) -> tuple[str, ...]:
        return (self.target,)

    def start(self, ctx: WorkloadContext, load: LoadModel) -> None:
        assert isinstance(load, OpenLoad | ClosedLoad | TraceLoad)
        driver, call, target = ctx.driver, ctx.call_for(self.target), self.target
        next_key = key_draw(ctx, self.keys, isinstance(load, TraceLoad))
        new_request: Callable[[int, int, str], Request] = driver.new_request
        if self.classes:
            ctx.logs.add(RequestClasses(self.classes))
            new_request = self._classed(ctx)

        start_request = driver.starter(call)

        def start(client: int) -> None:
            start_request(new_request(next_key(), client, target), None)

        def inline(client: int) -> Generator[Event, Any, Outcome]:
            return driver.run(call, new_request(next_key(), client, target))

        start_load(ctx, load, start, inline)

    def _classed(self, ctx: WorkloadContext) -> Callable[[int, int, str], Request]:
        """``driver.new_request`` that also draws the request's class."""
        shares = np.array([c.share for c in self.classes])
        cumulative = np.cumsum(shares / shares.sum())
        priorities = [c.priority for c in self.classes]
        uniform = BlockSampler(lambda rng, n: rng.random(n),
                               ctx.streams.generator("workload:classes"))
        driver = ctx.driver

        def new_request(key: int, client: int, target: str) -> Request:
            request = driver.new_request(key, client, target)
            index = min(int(np.searchsorted(cumulative, uniform(), side="right")),
                        len(priorities) - 1)
            request.request_class, request.priority = index, priorities[index]
            return request

        return new_request
