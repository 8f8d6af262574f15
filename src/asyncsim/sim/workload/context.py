"""What a workload gets to start its processes: the clock, streams, the driver and the
strategy's call chain for each backend it targets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import simpy

from asyncsim.sim.driver import RequestDriver
from asyncsim.sim.engine import RandomStreams
from asyncsim.sim.layers.base import Call


@dataclass
class WorkloadContext:
    env: simpy.Environment
    streams: RandomStreams
    driver: RequestDriver
    call_for: Callable[[str], Call]
    warmup_s: float
    duration_s: float


class Workload(Protocol):
    @property
    def targets(self) -> tuple[str, ...]:
        """Backends this workload sends to (used to check every backend gets traffic)."""

    def start(self, ctx: WorkloadContext) -> None: ...
