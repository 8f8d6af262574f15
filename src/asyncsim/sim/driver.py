"""Starts user requests down a call chain and records what they got.

``start`` runs the chain's generator synchronously up to its first event: a request that
completes without yielding (a cache hit) is recorded on the spot and costs no SimPy
event or process. Only a request that has to wait becomes a process.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import simpy
from simpy.events import Event, Process

from asyncsim.sim.data import DataModel, StaticData
from asyncsim.sim.layers.base import Call
from asyncsim.sim.outcome import Outcome
from asyncsim.sim.record import RequestLog
from asyncsim.sim.request import Request


class RequestDriver:
    def __init__(self, env: simpy.Environment, log: RequestLog,
                 data: dict[str, DataModel]) -> None:
        self.env = env
        self.log = log
        self.data = data
        self._static = all(isinstance(model, StaticData) for model in data.values())
        self.in_flight = 0
        self.drained: Event | None = None
        self.next_id = 0

    def new_request(self, key: int, client: int, target: str) -> Request:
        request = Request(self.next_id, key, client, self.env._now, target)
        self.next_id += 1
        return request

    def start(self, call: Call, request: Request) -> None:
        """Fire and forget (open workloads)."""
        generator = call(request)
        try:
            first = generator.send(None)
        except StopIteration as stop:
            self.finish(request, stop.value)
            return
        self.in_flight += 1
        Process(self.env, self._drive(request, generator, first))

    def run(self, call: Call, request: Request) -> Generator[Event, Any, Outcome]:
        """Run inline in the caller's process (closed workloads) and record."""
        self.in_flight += 1
        outcome: Outcome = yield from call(request)
        self.in_flight -= 1
        self.finish(request, outcome)
        return outcome

    def _drive(self, request: Request, generator: Generator[Event, Any, Outcome],
               event: Event) -> Generator[Event, Any, None]:
        send = generator.send
        while True:
            value = yield event
            try:
                event = send(value)
            except StopIteration as stop:
                self.in_flight -= 1
                self.finish(request, stop.value)
                return

    def finish(self, request: Request, outcome: Outcome) -> None:
        now = self.env._now
        log = self.log
        log.t_start_s.append(request.t_start)
        log.latency_s.append(now - request.t_start)
        log.status.append(outcome.status)
        log.source.append(outcome.source)
        log.attempts.append(outcome.attempts)
        log.client.append(request.client)
        log.key.append(request.key)
        log.version.append(outcome.version)
        if self._static or outcome.version < 0:
            log.stale_s.append(0.0 if outcome.version >= 0 else math.nan)
        else:
            superseded = self.data[request.target].superseded_at(request.key, outcome.version)
            log.stale_s.append(now - superseded if superseded < now else 0.0)
        if self.drained is not None and self.in_flight == 0 and not self.drained.triggered:
            self.drained.succeed()
