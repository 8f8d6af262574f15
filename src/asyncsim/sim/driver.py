"""Starts user requests down a call chain and records what they got.

``start`` runs the chain's generator synchronously up to its first event: a request that
completes without yielding (a cache hit) is recorded on the spot and costs no SimPy
event or process. A request that has to wait is resumed by a callback on each event it
waits for (:class:`_Waiting`), not by a ``simpy.Process``: a Process would add two events
per request (its start and its end) that nothing waits on. Event order is unchanged, since
neither of those events had anything to do; nobody can interrupt a driven request, which
no layer needs (layers that must be interruptible run their work as their own process).

A workload that must react to an outcome (a page view starting the resources that waited
for this one) passes ``then``: it is called with the request and its outcome right after
the outcome is recorded, while the request still counts as in flight, so requests it
starts are waited for when the run drains. A workload whose unit of work spans several
requests and pauses (a reading session, a hover then a click) brackets it with ``hold``
and ``release``, so the drain after ``duration`` lets it finish instead of cutting it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from functools import partial
from typing import Any

import simpy
from simpy.events import Event

from asyncsim.sim.data import DataModel, StaticData
from asyncsim.sim.direct import Startable
from asyncsim.sim.layers.base import Call
from asyncsim.sim.measure.recorder import Recorder
from asyncsim.sim.outcome import Outcome
from asyncsim.sim.record import PACK
from asyncsim.sim.request import Request

Then = Callable[[Request, Outcome], None]
"""Called with a request and its outcome once the outcome is recorded."""


class RequestDriver:
    def __init__(self, env: simpy.Environment, recorder: Recorder,
                 data: dict[str, DataModel]) -> None:
        self.env = env
        self.recorder = recorder
        self._rows = recorder.log.rows
        self.data = data
        self._static = all(isinstance(model, StaticData) for model in data.values())
        self.in_flight = 0
        self.drained: Event | None = None
        self.next_id = 0

    def new_request(self, key: int, client: int, target: str) -> Request:
        request = Request(self.next_id, key, client, self.env._now, target)
        self.next_id += 1
        return request

    def take_id(self) -> int:
        """A fresh request id, for workloads that build their own Request subclasses."""
        self.next_id += 1
        return self.next_id - 1

    def hold(self) -> None:
        """Count a unit of work in progress: the drain waits for it like for a request."""
        self.in_flight += 1

    def release(self) -> None:
        """The unit of work counted by ``hold`` is over."""
        self.in_flight -= 1
        self._check_drained()

    def starter(self, call: Call) -> Callable[[Request, Then | None], None]:
        """``start(call, request, then)`` without ``call``; for a call that runs by
        callbacks (a bare backend, a cache right over one), its own start: a call less per
        request, on the hottest path."""
        if isinstance(call, Startable):
            return partial(call.start, self)
        return partial(self.start, call)

    def start(self, call: Call, request: Request, then: Then | None = None) -> None:
        """Fire and forget (open workloads); ``then`` reacts to the outcome if given. A
        call that can runs by callbacks (sim/direct.py: a bare backend, a cache right over
        one), with the same outcome."""
        if isinstance(call, Startable):
            call.start(self, request, then)
            return
        generator = call(request)
        try:
            first = generator.send(None)
        except StopIteration as stop:
            self.answered(request, stop.value, then)
            return
        self.in_flight += 1
        _Waiting(self, request, generator, then).wait(first)

    def answered(self, request: Request, outcome: Outcome, then: Then | None) -> None:
        """A started request answered without waiting (it was never in flight)."""
        self.finish(request, outcome, self.env._now)
        if then is not None:
            then(request, outcome)

    def run(self, call: Call, request: Request) -> Generator[Event, Any, Outcome]:
        """Run inline in the caller's process (closed workloads) and record."""
        self.in_flight += 1
        outcome: Outcome = yield from call(request)
        self.in_flight -= 1
        self.finish(request, outcome, self.env._now)
        self._check_drained()
        return outcome

    def done(self, request: Request, outcome: Outcome, then: Then | None) -> None:
        """A started request that had to wait has its outcome."""
        self.finish(request, outcome, self.env._now)
        if then is not None:
            then(request, outcome)
        self.in_flight -= 1
        self._check_drained()

    def ended(self, request: Request, outcome: Outcome, end_s: float) -> None:
        """A started request ended at ``end_s``, not after now: a call its backend settled
        once the clock had passed its end (sim/queues/known_fifo.py); nobody reacts."""
        self.finish(request, outcome, end_s)
        self.in_flight -= 1
        drained = self.drained  # (_check_drained, inlined on this hot path)
        if drained is not None and self.in_flight == 0 and not drained.triggered:
            drained.succeed()

    def finish(self, request: Request, outcome: Outcome, now: float) -> None:
        """Record one outcome delivered at ``now``; whoever changes ``in_flight`` checks
        whether the run drained."""
        version = outcome.version
        if self._static or version < 0:
            stale_s = 0.0 if version >= 0 else math.nan
        else:
            superseded = self.data[request.target].superseded_at(request.key, version)
            stale_s = now - superseded if superseded < now else 0.0
        t_start = request.t_start
        rows = self._rows
        rows.extend(PACK.pack(t_start, now - t_start, outcome.status, outcome.source,
                              outcome.attempts, request.client, request.key,
                              request.request_class, version, stale_s))
        if len(rows) >= self.recorder.next_flush_bytes:
            self.recorder.flush()

    def _check_drained(self) -> None:
        if self.drained is not None and self.in_flight == 0 and not self.drained.triggered:
            self.drained.succeed()


class _Waiting:
    """One started request between its events: what SimPy's Process does, minus its own
    start and end events (see the module docstring)."""

    __slots__ = ("driver", "generator", "request", "then")

    def __init__(self, driver: RequestDriver, request: Request,
                 generator: Generator[Event, Any, Outcome], then: Then | None) -> None:
        self.driver = driver
        self.request = request
        self.generator = generator
        self.then = then

    def wait(self, event: Event) -> None:
        if event.callbacks is not None:
            event.callbacks.append(self.resume)
        else:  # already processed: carry on at once, as a Process would
            self.resume(event)

    def resume(self, event: Event) -> None:
        generator = self.generator
        while True:
            try:
                if event._ok:
                    event = generator.send(event._value)
                else:
                    event._defused = True
                    event = generator.throw(event._value)
            except StopIteration as stop:
                self.driver.done(self.request, stop.value, self.then)
                return
            if event.callbacks is not None:
                event.callbacks.append(self.resume)
                return
