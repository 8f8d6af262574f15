"""A scripted world for testing one layer: requests at chosen times over a fake backend.

The fake backend answers after a fixed latency with version = number of calls so far (so a
test can tell which fetch an answer came from), or fails when told to. Requests are started
the way the driver starts them (synchronously up to their first event), and recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import simpy
from simpy.events import Event, Timeout

from asyncsim.sim.data import StaticData
from asyncsim.sim.engine import RandomStreams
from asyncsim.sim.layers.base import BuildContext, LayerSpec, build_chain
from asyncsim.sim.outcome import Outcome, Source, Status
from asyncsim.sim.record import TimeSeries
from asyncsim.sim.request import Request


class FakeBackend:
    def __init__(self, env: simpy.Environment, latency_s: float = 1.0) -> None:
        self.env = env
        self.latency_s = latency_s
        self.calls: list[tuple[float, int]] = []  # (time, key)
        self.failing: Callable[[float], bool] = lambda now: False

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        self.calls.append((self.env.now, request.key))
        version = len(self.calls)
        if self.latency_s > 0:
            yield Timeout(self.env, self.latency_s)
        if self.failing(self.env.now):
            return Outcome(Status.ERROR, attempts=1)
        return Outcome(Status.OK, Source.NETWORK, version, 1)


@dataclass
class Answer:
    key: int
    client: int
    t_start: float
    t_end: float
    outcome: Outcome

    @property
    def latency(self) -> float:
        return self.t_end - self.t_start

    @property
    def source(self) -> Source:
        return self.outcome.source


class Harness:
    def __init__(self, *specs: LayerSpec, latency_s: float = 1.0, seed: int = 1) -> None:
        self.env = simpy.Environment()
        self.backend = FakeBackend(self.env, latency_s)
        self.ctx = BuildContext(self.env, RandomStreams(seed, 0), "test",
                                TimeSeries(1.0, 10), StaticData(), 0.0, 1e9)
        self.call, self.layers = build_chain(tuple(specs), self.ctx, self.backend.call)
        self.answers: list[Answer] = []
        self._next_id = 0

    def ask(self, key: int = 0, client: int = 0) -> Answer | None:
        """Start a request now; the answer if it came without waiting, else None (recorded
        when it arrives)."""
        request = Request(self._next_id, key, client, self.env.now, "api")
        self._next_id += 1
        generator = self.call(request)
        try:
            first = generator.send(None)
        except StopIteration as stop:
            answer = Answer(key, client, request.t_start, self.env.now, stop.value)
            self.answers.append(answer)
            return answer
        self.env.process(self._finish(request, generator, first))
        return None

    def _finish(self, request: Request, generator: Generator[Event, Any, Outcome],
                first: Event) -> Generator[Event, Any, None]:
        event = first
        while True:
            value = yield event
            try:
                event = generator.send(value)
            except StopIteration as stop:
                self.answers.append(Answer(request.key, request.client, request.t_start,
                                           self.env.now, stop.value))
                return

    def at(self, t: float, key: int = 0, client: int = 0) -> None:
        """Schedule a request at time ``t``."""
        def later() -> Generator[Event, Any, None]:
            yield Timeout(self.env, t - self.env.now)
            self.ask(key, client)
        self.env.process(later())

    def run(self, until: float) -> list[Answer]:
        self.env.run(until=until)
        return sorted(self.answers, key=lambda a: (a.t_start, a.key, a.client))

    def counters(self, position: int = 0) -> dict[str, int]:
        layer = self.layers[position]
        instances = getattr(layer, "instances", None)
        parts = list(instances.values()) if instances is not None else [layer]
        total: dict[str, int] = {}
        for part in parts:
            for name, value in part.counters.items():
                total[name] = total.get(name, 0) + value
        return total
