"""A bench for testing one layer: a scripted backend and synchronous or timed calls."""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any

import simpy
from simpy.events import Event, Timeout

from asyncsim.sim.data import StaticData
from asyncsim.sim.engine import RandomStreams
from asyncsim.sim.layers.base import BuildContext, Layer, LayerSpec
from asyncsim.sim.outcome import Outcome, Source, Status
from asyncsim.sim.record import TimeSeries
from asyncsim.sim.request import Request

OK, ERROR, TIMEOUT, REJECTED = Status.OK, Status.ERROR, Status.TIMEOUT, Status.REJECTED


class ScriptedBackend:
    """Answers with the next status of a script (OK once the script runs out).

    With ``latency_s == 0`` it answers without yielding, so a call through the layer runs
    synchronously; otherwise each call takes ``latency_s`` of simulated time, or the next
    of ``latencies`` while that list lasts.
    """

    def __init__(self, env: simpy.Environment, statuses: Iterable[Status] = (),
                 latency_s: float = 0.0, version: int = 7) -> None:
        self.env = env
        self.script = list(statuses)
        self.latency_s = latency_s
        self.version = version
        self.latencies: list[float] = []
        self.calls = 0

    def then(self, *statuses: Status) -> None:
        self.script.extend(statuses)

    def __call__(self, request: Request) -> Generator[Event, Any, Outcome]:
        self.calls += 1
        status = self.script.pop(0) if self.script else Status.OK
        latency_s = self.latencies.pop(0) if self.latencies else self.latency_s
        if latency_s > 0:
            yield Timeout(self.env, latency_s)
        if status == Status.OK:
            return Outcome(status, Source.NETWORK, self.version, 1)
        return Outcome(status, attempts=1)


class Bench:
    """One layer over a scripted backend, in a fresh environment."""

    def __init__(self, spec: LayerSpec, statuses: Iterable[Status] = (),
                 latency_s: float = 0.0, duration_s: float = 1000.0, warmup_s: float = 0.0,
                 client: int | None = None, seed: int = 1) -> None:
        self.env = simpy.Environment()
        self.backend = ScriptedBackend(self.env, statuses, latency_s)
        self.series = TimeSeries(duration_s / 100, 100)
        self.ctx = BuildContext(self.env, RandomStreams(seed, 0), "s", self.series,
                                StaticData(), warmup_s, duration_s, target="api",
                                client=client)
        self.layer: Any = spec.build(self.ctx, self.backend)
        self.outcomes: list[Outcome] = []
        self.ended_at: list[float] = []
        """When each timed call (:meth:`at`) ended, in the order they ended."""
        self._ids = 0

    def request(self, key: int = 0, client: int = 0) -> Request:
        self._ids += 1
        return Request(self._ids, key, client, self.env.now)

    def now(self, key: int = 0) -> Outcome:
        """Call at the current time; the call must finish without yielding."""
        generator = self.layer.call(self.request(key))
        try:
            generator.send(None)
        except StopIteration as stop:
            outcome: Outcome = stop.value
            return outcome
        raise AssertionError("the call yielded: it needed simulated time")

    def many(self, count: int, key: int = 0) -> list[Outcome]:
        return [self.now(key) for _ in range(count)]

    def at(self, t: float, key: int = 0) -> None:
        """Start a call at time ``t``; its outcome is appended to ``outcomes``."""
        self.env.process(self._call_at(t, key))

    def _call_at(self, t: float, key: int) -> Generator[Event, Any, None]:
        yield Timeout(self.env, t - self.env.now)
        layer: Layer = self.layer
        outcome: Outcome = yield from layer.call(self.request(key))
        self.outcomes.append(outcome)
        self.ended_at.append(self.env.now)

    def advance_to(self, t: float) -> None:
        self.env.run(until=t)
