"""The layer mechanism: specs, scopes and the build context.

A *call* is any function ``request -> SimPy generator returning an Outcome``: the backend's
``call``, or a layer's. A layer holds the call below it (``self.next``) and delegates with
``yield from self.next(request)``. A path that returns without yielding (a cache hit)
therefore costs no SimPy event.

Scope: a ``"client"`` layer has one instance per simulated client (a browser cache, an
SDK's breaker); a ``"shared"`` layer has one per strategy run (a CDN, a sidecar breaker).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

import numpy as np
import simpy
from simpy.events import Event

from asyncsim.sim.data import DataModel
from asyncsim.sim.engine import RandomStreams
from asyncsim.sim.outcome import Outcome
from asyncsim.sim.record import Gauge, TimeSeries
from asyncsim.sim.request import Request

Scope = Literal["client", "shared"]
Call = Callable[[Request], Generator[Event, Any, Outcome]]


class Layer(Protocol):
    def call(self, request: Request) -> Generator[Event, Any, Outcome]: ...


@dataclass
class BuildContext:
    """What a layer may use when it is built; random streams are named per layer position.

    ``target`` is the backend the chain leads to (layers name their time series after it);
    ``client`` is set for a per-client instance, so each client draws from its own stream
    (clients that shared one stream would jitter in lockstep). ``gauges`` holds the
    time-integrated quantities layers register (cache entries), keyed by (layer position,
    name) and shared by a layer's per-client instances; the simulation averages them over
    the measured window and samples them for the time series.
    """

    env: simpy.Environment
    streams: RandomStreams
    strategy: str
    series: TimeSeries
    data: DataModel
    warmup_s: float
    duration_s: float
    position: int = 0
    target: str = ""
    client: int | None = None
    gauges: dict[tuple[int, str], Gauge] = field(default_factory=dict)

    def generator(self, purpose: str) -> np.random.Generator:
        name = f"strategy:{self.strategy}:layer{self.position}:{purpose}"
        if self.client is not None:
            name += f":client{self.client}"
        return self.streams.generator(name)

    def gauge(self, name: str) -> Gauge:
        """The gauge ``name`` of this layer position, shared by its per-client instances."""
        return self.gauges.setdefault((self.position, name), Gauge())


class LayerSpec(Protocol):
    """Validated, immutable parameters of one layer; ``build`` makes a runtime instance."""

    @property
    def kind(self) -> str: ...

    @property
    def scope(self) -> Scope: ...

    def build(self, ctx: BuildContext, next_call: Call) -> Layer: ...


class PerClient:
    """Dispatches to one instance of a layer per client, built on first use.

    ``call`` returns the instance's generator itself rather than wrapping it, so the
    dispatch adds no generator frame to the request path.
    """

    def __init__(self, spec: LayerSpec, ctx: BuildContext, next_call: Call) -> None:
        self._spec = spec
        self._ctx = ctx
        self._next = next_call
        self.instances: dict[int, Layer] = {}

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        instance = self.instances.get(request.client)
        if instance is None:
            instance = self.instances[request.client] = self._spec.build(
                replace(self._ctx, client=request.client), self._next)
        return instance.call(request)


def build_chain(specs: tuple[LayerSpec, ...], ctx: BuildContext,
                bottom: Call) -> tuple[Call, list[Layer | PerClient]]:
    """Compose layers, outermost first, over ``bottom``; returns the top call and the layers."""
    call = bottom
    built: list[Layer | PerClient] = []
    for position in range(len(specs) - 1, -1, -1):
        spec = specs[position]
        ctx.position = position
        layer: Layer | PerClient = (PerClient(spec, _frozen(ctx), call) if spec.scope == "client"
                                    else spec.build(_frozen(ctx), call))
        built.append(layer)
        call = layer.call
    built.reverse()
    return call, built


def _frozen(ctx: BuildContext) -> BuildContext:
    """A copy that keeps this layer's position after the loop moves on."""
    return replace(ctx)  # shallow: the copy shares ``gauges``
