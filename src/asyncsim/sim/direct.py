"""A bare backend's call driven by callbacks: the engine's fast path.

When a strategy puts no layer over a backend, nothing between the driver and the backend
needs a generator: the driver hands the request to :class:`DirectCall`, which runs the
very steps of ``Backend.call`` (sim/backend.py, the same helper methods in the same order)
as callbacks on :class:`~asyncsim.sim.engine.Tick` events. A call then costs its heap
entries and two small objects, instead of a generator, its driver wrapper and a
``simpy.Timeout`` or ``Event`` per wait.

Why the outcome is the same, bit for bit: every event of the generator path has its tick
here, scheduled at the same moment with the same delay and priority, so it takes the same
event id and is processed in the same place (ties at equal times included); the draws
happen at the same moments from the same streams; the counters, gauges and the driver's
record are updated in the same order. A waiting call still waits in the backend's queue,
as a ticket the queue hands a worker to (``succeed``) exactly like a SimPy event, so every
queue discipline, queue limits, shedding, ``drop_expired``, capacity drops and the
concurrency factor behave as on the generator path.

A plain FIFO backend knows each call's end at its arrival (sim/queues/known_fifo.py):
:class:`TimelineCall` schedules one tick, at the end, or none when nobody reacts to the
outcome (it settles such calls after their end, in end order). The generator path on the
same backend schedules one event at the end, so the events still match, but for the ones
the fast path needs not at all.

When it applies (:func:`bottom_call`, from ``Simulation.call_for``): no workload adapter
over the backend, the backend is one instance (not a replica set) and makes no downstream
calls. The driver starts it directly when no layer is over it, or through a layer that
runs by callbacks too (:class:`LayerStart`: a cache); under other layers it is called as
the generator call. ``ENABLED`` is the test-only switch that forces the generator path
everywhere (tests/sim/test_direct.py compares the two).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from heapq import heappop, heappush
from itertools import count
from typing import TYPE_CHECKING, Any

from simpy.events import Event

from asyncsim.sim.backend import Backend
from asyncsim.sim.engine import NORMAL_PRIORITY, Tick, at_time, schedule
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.request import Request

if TYPE_CHECKING:
    from asyncsim.sim.backend import BackendStats
    from asyncsim.sim.driver import RequestDriver
    from asyncsim.sim.layers.base import Call
    from asyncsim.sim.replicas.replica_set import ReplicaSet

ENABLED = True
"""Whether bare backends take the direct path (tests switch it off to compare)."""

Then = Callable[[Request, Outcome], None] | None
LateStore = Callable[[int, Outcome, float, float], None]
"""Keeps a call's answer: (key, outcome, when it was asked, when it ended)."""


def bottom_call(backend: Backend | ReplicaSet, bare: bool) -> Call:
    """What a strategy's chain over ``backend`` calls: the fast path when no workload
    adapter is over it (``bare``) and it is one instance (not a replica set) without
    downstream calls; its generator call otherwise. Under layers the fast path is called
    as the generator call, unless a layer runs by callbacks too (a cache: ``LayerStart``)."""
    if ENABLED and bare and isinstance(backend, Backend) and not backend.spec.steps:
        return TimelineCall(backend) if backend.timeline is not None else DirectCall(backend)
    call: Call = backend.call
    return call


class Startable:
    """A call the driver can start by callbacks (``start``) as well as run as a generator
    (calling it)."""

    __slots__ = ()

    def __call__(self, request: Request) -> Generator[Event, Any, Outcome]:
        raise NotImplementedError

    def start(self, driver: RequestDriver, request: Request, then: Then) -> None:
        raise NotImplementedError


class LayerStart(Startable):
    """A layer that runs requests by callbacks over a bare backend (its ``start``: a cache
    does, sim/layers/cache/layer.py), so a request through it needs no generator."""

    __slots__ = ("layer", "start")  # start: the layer's own, no call in between

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.start = layer.start  # type: ignore[method-assign]

    def __call__(self, request: Request) -> Generator[Event, Any, Outcome]:
        call: Generator[Event, Any, Outcome] = self.layer.call(request)
        return call


class DirectCall(Startable):
    """A bare backend's call. Called, it is the generator call (for a closed loop that
    runs requests inline); :meth:`start` is what the driver uses for fire-and-forget."""

    __slots__ = ("backend",)

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def __call__(self, request: Request) -> Generator[Event, Any, Outcome]:
        return self.backend.call(request)

    def start(self, driver: RequestDriver, request: Request, then: Then) -> None:
        """``Backend.call``'s first part: answer at once, or take a worker, or queue."""
        backend = self.backend
        env = backend.env
        now = env._now
        stats = backend._count(now)
        if backend._faults and backend._active("outage", now) is not None:
            delay = backend._outage(stats)
            if delay > 0:
                driver.in_flight += 1
                schedule(env, _Pending(_OUTAGE_OVER, backend, driver, request, then, stats,
                                       now), delay)
                return
            driver.answered(request, Outcome(Status.ERROR, attempts=1,
                                             retry_after_s=backend.spec.retry_after_s), then)
            return
        if backend._max_in_system is not None:
            shed = backend._shed_at_arrival(stats)
            if shed is not None:
                driver.answered(request, shed, then)
                return
        if backend.busy < backend.capacity:
            backend.busy += 1  # a free worker, as in Backend.call
            backend.busy_gauge.set(now, backend.busy)
            _serve(_Pending(_SERVICE_OVER, backend, driver, request, then, stats, now))
            driver.in_flight += 1
            return
        refused = backend._refusal(request, stats)
        if refused is not None:
            driver.answered(request, refused, then)
            return
        queue = backend.queue
        queue.append((_Pending(_TICKET, backend, driver, request, then, stats, now),  # type: ignore[arg-type]
                      request, now))
        stats.queued += 1
        backend.queue_gauge.set(now, len(queue))
        driver.in_flight += 1


class TimelineCall(DirectCall):
    """A bare backend that knows each call's end at its arrival (sim/queues/known_fifo.py).

    A call is one event, at its end; or none, when nobody reacts to its outcome (no
    ``then``) and the backend's data never changes (its outcome does not depend on when it
    is delivered). Such a call waits in ``_ends`` and is ended later, in end order, once
    the clock has passed its end: before the next call arrives here (its events would have
    been processed before that arrival), and before the timeline is read (this call is the
    timeline's ``later``). The driver records it with its end time.
    """

    __slots__ = ("_ends", "_order", "late_stores")

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self._ends: list[tuple[float, int, float, Request, bool, BackendStats,
                               RequestDriver]] = []
        """A heap of calls left to end later: (end, order, start, request, failed,
        stats, driver)."""
        self._order = count()  # equal ends end in the order the calls arrived
        self.late_stores: list[tuple[float, int, int, float, float, Request, bool, BackendStats,
                                 RequestDriver, LateStore]] = []
        """A heap of calls whose answer is kept when they end (:meth:`start_late`): (end,
        priority, event id: the heap entry their end event would have had; start, arrival,
        request, failed, stats, driver, store)."""
        timeline = backend.timeline
        assert timeline is not None and timeline.later is None
        timeline.later = self

    @property
    def ends_later(self) -> bool:
        """Whether a call here can end without an event: the backend's answers never
        change (they are the same whenever they are delivered)."""
        return self.backend._static_ok is not None

    def start(self, driver: RequestDriver, request: Request, then: Then) -> None:
        backend = self.backend
        env = backend.env
        now = env._now
        ends = self._ends
        if ends and ends[0][0] <= now:
            self.settle(now)
        stats = backend._count(now)
        service, failed = backend._draw(request)
        start = backend.timeline.admit(now, service, stats)  # type: ignore[union-attr]
        driver.in_flight += 1
        if then is None and backend._static_ok is not None:
            heappush(ends, (start + service, next(self._order), start, request, failed, stats,
                            driver))
            return
        call = _Pending(_KNOWN_OVER, backend, driver, request, then, stats, now)
        call.failed, call.started = failed, start
        heappush(env._queue, (start + service, NORMAL_PRIORITY, next(env._eid), call))  # type: ignore[misc]

    def start_late(self, driver: RequestDriver, request: Request, store: LateStore) -> None:
        """A call whose answer ``store`` keeps and nobody else waits for (a cache's miss,
        sim/layers/cache/layer.py), without an event: it takes the event id its end event
        would have taken and waits in ``late_stores``; :meth:`catch_up` stores it, before
        anyone looks, exactly where that event would have been processed (``ends_later``
        must hold)."""
        backend = self.backend
        env = backend.env
        now = env._now
        stats = backend._count(now)
        service, failed = backend._draw(request)
        start = backend.timeline.admit(now, service, stats)  # type: ignore[union-attr]
        driver.in_flight += 1
        heappush(self.late_stores, (start + service, NORMAL_PRIORITY, next(env._eid), start, now,
                                request, failed, stats, driver, store))

    def catch_up(self) -> None:
        """End and store the calls whose end event would have come before the event being
        processed (the engine's ``current``) or would be it, in the order of those events.
        A cache does so before each lookup and store, and the run before it reads."""
        stores = self.late_stores
        if not stores:
            return
        backend = self.backend
        current = backend.env.current  # type: ignore[attr-defined]
        now = current[0]
        if stores[0][0] > now:
            return
        timeline = backend.timeline
        assert timeline is not None
        ok = backend._static_ok
        while stores:
            head = stores[0]
            end = head[0]
            if end > now or (end == now and (head[1], head[2]) > (current[1], current[2])):
                return
            _, _, _, started, arrived, request, failed, stats, driver, store = heappop(stores)
            timeline.done(started, end)
            outcome = backend._answer(request, True, stats) if failed else ok
            driver.ended(request, outcome, end)  # type: ignore[arg-type]
            store(request.key, outcome, arrived, end)  # type: ignore[arg-type]

    def settle(self, now: float) -> None:
        ends = self._ends
        backend = self.backend
        timeline = backend.timeline
        assert timeline is not None
        ok = backend._static_ok
        while ends and ends[0][0] <= now:
            end, _, started, request, failed, stats, driver = heappop(ends)
            timeline.done(started, end)
            driver.ended(request, backend._answer(request, True, stats) if failed else ok,  # type: ignore[arg-type]
                         end)
        self.catch_up()

    def end_when_due(self) -> None:
        """While the run drains, nothing else would end the calls left to end later: each
        gets an event at its end. A late store's is the very heap entry it kept, so it is
        processed where its end event would have been."""
        env = self.backend.env
        timeline = self.backend.timeline
        assert timeline is not None
        for entry in self._ends:
            end = entry[0]
            at_time(env, end).callbacks.append(lambda _, end=end: timeline.settle(end))  # type: ignore[misc]
        for end, priority, eid, *_ in self.late_stores:
            heappush(env._queue, (end, priority, eid, Tick((self._store_due,))))  # type: ignore[misc]

    def _store_due(self, _: Tick) -> None:
        self.catch_up()


class _Pending(Tick):
    """One direct call between its events: its ticket while it waits, then its service."""

    __slots__ = ("arrived", "backend", "driver", "dropped", "failed", "request", "started",
                 "stats", "then")
    failed: bool  # set when it reaches a worker
    dropped: bool  # set when the queue hands it on
    started: float  # set on a backend's timeline

    def __init__(self, callbacks: tuple[Callable[[Any], None], ...], backend: Backend,
                 driver: RequestDriver, request: Request, then: Then, stats: BackendStats,
                 arrived: float) -> None:
        self.callbacks = callbacks
        self.backend = backend
        self.driver = driver
        self.request = request
        self.then = then
        self.stats = stats
        self.arrived = arrived

    def succeed(self, dropped: bool) -> None:
        """The queue hands it a worker (False) or drops it (True), as to a SimPy ticket."""
        self.dropped = dropped
        env = self.backend.env
        heappush(env._queue, (env._now, NORMAL_PRIORITY, next(env._eid), self))  # type: ignore[misc]


def _serve(call: _Pending) -> None:
    backend = call.backend
    service, call.failed = backend._serve(call.request, call.stats)
    call.callbacks = _SERVICE_OVER
    env = backend.env
    heappush(env._queue, (env._now + service, NORMAL_PRIORITY, next(env._eid), call))  # type: ignore[misc]


def _ticket(call: _Pending) -> None:
    """The waiting call's turn: served, or dropped without a worker."""
    if call.dropped:
        call.driver.done(call.request, Outcome(Status.REJECTED, attempts=1), call.then)
        return
    call.stats.wait_s += call.backend.env._now - call.arrived
    _serve(call)


def _service_over(call: _Pending) -> None:
    outcome = call.backend._complete(call.request, call.failed, call.stats)
    call.driver.done(call.request, outcome, call.then)


def _known_over(call: _Pending) -> None:
    """The end of a call on a backend's timeline (its only event)."""
    backend = call.backend
    backend.timeline.done(call.started, backend.env._now)  # type: ignore[union-attr]
    ok = backend._static_ok
    call.driver.done(call.request, ok if ok is not None and not call.failed
                     else backend._answer(call.request, call.failed, call.stats), call.then)


def _outage_over(call: _Pending) -> None:
    call.driver.done(call.request, Outcome(Status.ERROR, attempts=1,
                                           retry_after_s=call.backend.spec.retry_after_s),
                     call.then)


_TICKET: tuple[Callable[[Any], None], ...] = (_ticket,)
_SERVICE_OVER: tuple[Callable[[Any], None], ...] = (_service_over,)
_OUTAGE_OVER: tuple[Callable[[Any], None], ...] = (_outage_over,)
_KNOWN_OVER: tuple[Callable[[Any], None], ...] = (_known_over,)
