"""A backend that answers from a script, and a way to run one layer over it."""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any

import simpy
from simpy.events import Event, Timeout

from asyncsim.sim.data import StaticData
from asyncsim.sim.engine import RandomStreams
from asyncsim.sim.layers.base import BuildContext, LayerSpec
from asyncsim.sim.outcome import Outcome, Source, Status
from asyncsim.sim.record import TimeSeries
from asyncsim.sim.request import Request


class Script:
    """Answers each call with the next (status, latency_s, retry_after_s) of the script,
    then OK in ``latency_s``; records when each call arrived."""

    def __init__(self, env: simpy.Environment,
                 answers: Iterable[Status | tuple[Status, float] | tuple[Status, float, float]],
                 latency_s: float = 0.0) -> None:
        self.env = env
        self.answers = [a if isinstance(a, tuple) else (a, latency_s) for a in answers]
        self.latency_s = latency_s
        self.arrivals: list[float] = []

    def __call__(self, request: Request) -> Generator[Event, Any, Outcome]:
        self.arrivals.append(self.env.now)
        answer = self.answers.pop(0) if self.answers else (Status.OK, self.latency_s)
        status, latency = answer[0], answer[1]
        retry_after = answer[2] if len(answer) > 2 else None
        if latency > 0:
            yield Timeout(self.env, latency)
        if status == Status.OK:
            return Outcome(status, Source.NETWORK, 0, 1)
        return Outcome(status, attempts=1, retry_after_s=retry_after)


class Bench:
    """One layer over a script in a fresh environment; ``run`` calls it and returns
    (outcome, time it finished)."""

    def __init__(self, spec: LayerSpec, answers: Iterable[Any] = (), latency_s: float = 0.0,
                 duration_s: float = 1e6, seed: int = 1) -> None:
        self.env = simpy.Environment()
        self.backend = Script(self.env, answers, latency_s)
        ctx = BuildContext(self.env, RandomStreams(seed, 0), "s", TimeSeries(1.0, 10),
                           StaticData(), 0.0, duration_s)
        self.layer: Any = spec.build(ctx, self.backend)
        self._ids = 0

    def request(self, client: int = 0, deadline: float = float("inf")) -> Request:
        self._ids += 1
        return Request(self._ids, 0, client, self.env.now, "api", deadline)

    def start(self, request: Request) -> simpy.Process:
        return self.env.process(self.layer.call(request))

    def run(self, request: Request | None = None) -> tuple[Outcome, float]:
        process = self.start(request or self.request())
        self.env.run(process)
        return process.value, self.env.now
