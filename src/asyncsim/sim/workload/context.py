"""What a workload gets to start its processes: the clock, streams, the driver, the
strategy's call chain for each backend it targets (over the backend's call, or over a
workload's adaptation of it), and the strategy's client behaviours.

Client behaviours (how a page loads its resources, when links are prefetched, how a feed
is paginated, how live views are kept fresh) are part of a strategy, like its layers, but
they shape what the workload asks rather than how a request travels: the workload looks its
own kind up with :meth:`WorkloadContext.behaviour`. Records a workload keeps besides the
request log (page views, clicks, reading sessions, live displays) go into ``logs``, by
type, and reach ``RunResult.logs``; ``at_window_end`` hooks run when the measured window closes (at
``duration``, before the drain) and ``at_run_end`` hooks once the drain is over.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import simpy

from asyncsim.sim.data import DataModel
from asyncsim.sim.driver import RequestDriver
from asyncsim.sim.engine import RandomStreams
from asyncsim.sim.layers.base import Call
from asyncsim.sim.workload.keys import RecordedKey
from asyncsim.sim.workload.logs.container import ClientLogs

B = TypeVar("B")

Adapter = Callable[[Call], Call]
"""Turns a backend's call into the unit the strategy's layers wrap (e.g. a transaction)."""


class ChainFactory(Protocol):
    def __call__(self, backend: str, adapt: Adapter | None = None) -> Call:
        """The strategy's layer stack over ``backend``; with ``adapt``, over the adapted call
        (the layers then retry, time out or hedge the workload's unit of work)."""


def _no_backends(name: str) -> Call:
    raise KeyError(name)


@dataclass
class WorkloadContext:
    env: simpy.Environment
    streams: RandomStreams
    driver: RequestDriver
    call_for: ChainFactory
    warmup_s: float
    duration_s: float
    behaviours: tuple[object, ...] = ()
    logs: ClientLogs = field(default_factory=ClientLogs)
    data: Mapping[str, DataModel] = field(default_factory=dict)
    backend_call: Callable[[str], Call] = _no_backends
    """A backend's own call, past the strategy's layers (writes must not meet a cache)."""
    at_window_end: list[Callable[[float], None]] = field(default_factory=list)
    recorded_key: RecordedKey | None = None
    """Set under a trace load: the key of the record being started (see keys.key_draw)."""
    at_run_end: list[Callable[[float], None]] = field(default_factory=list)

    def behaviour(self, kind: type[B]) -> B | None:
        """The strategy's behaviour of this type, or None when the strategy sets none."""
        for behaviour in self.behaviours:
            if isinstance(behaviour, kind):
                return behaviour
        return None


class Workload(Protocol):
    @property
    def targets(self) -> tuple[str, ...]:
        """Backends this workload sends to (used to check every backend gets traffic)."""

    def start(self, ctx: WorkloadContext) -> None: ...
