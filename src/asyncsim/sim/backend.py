"""A service: workers with a queue, a service-time distribution, errors and faults.

The queue's discipline (FIFO by default, LIFO, adaptive LIFO, shedding by time in queue)
lives in sim/queues/; so does shedding by concurrency (``max_in_system``: a call that finds
that many calls in service and waiting is shed at arrival). With ``concurrency_factor`` or
a ``service_curve``, a call's service time is multiplied by a function of the calls in
service when it starts (sim/service_curve.py: thrashing, lock contention, GC).

Draw order (what makes the engine checkable bit for bit): the service time of a call is
drawn from the stream ``backend:<name>:latency`` when the call *starts service*; with FIFO
that is the order of arrival, so the n-th call served gets the n-th draw. The error
decision of a call uses the n-th draw of ``backend:<name>:errors``, made at the same moment,
only when the backend has an error model or an error fault. A client timeout does not
cancel the work: an abandoned call keeps its worker until its service ends, unless
``drop_expired`` is set and its deadline passed before it reached a worker. A request's
``work_s`` (what it asks costs more, e.g. the rows an offset query skips) is added to the
drawn service time, before a slowdown multiplies it.
With ``retry_after_s`` set, error and rejected answers carry that pushback hint (HTTP
``Retry-After``, gRPC ``grpc-retry-pushback-ms``), which a retry layer may honour.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import simpy
from simpy.events import Event, Timeout

from asyncsim.sim.data import DataModel, DataSpec, StaticData
from asyncsim.sim.distributions import Distribution
from asyncsim.sim.engine import BlockSampler, RandomStreams, at_time
from asyncsim.sim.graph import Step, run_steps
from asyncsim.sim.layers.base import Call
from asyncsim.sim.outcome import NETWORK, OK, Outcome, Source, Status
from asyncsim.sim.queues import QueueSpec, make_queue
from asyncsim.sim.queues.known_fifo import FifoTimeline, plain_fifo
from asyncsim.sim.record import Gauge, TimeSeries
from asyncsim.sim.replicas.spec import ReplicationSpec
from asyncsim.sim.request import Request
from asyncsim.sim.service_curve import concurrency_multipliers


class _Continuation(Request):
    """A queued continuation: its deadline never expires (it was admitted already)."""

    __slots__ = ()

    def __init__(self, request: Request) -> None:
        super().__init__(request.id, request.key, request.client, request.t_start,
                         request.target)

FAULT_KINDS = ("outage", "error_burst", "slowdown", "capacity_drop")


@dataclass(frozen=True)
class Fault:
    """One window of trouble: ``kind`` from ``FAULT_KINDS``, active in [at_s, at_s + for_s).

    outage: every call fails at once (after the backend's error latency);
    error_burst: calls fail with probability ``error_rate``;
    slowdown: service times are multiplied by ``factor``;
    capacity_drop: only ``workers`` workers serve.
    """

    kind: str
    at_s: float
    for_s: float
    factor: float = 1.0
    error_rate: float = 1.0
    workers: int = 0

    @property
    def end_s(self) -> float:
        return self.at_s + self.for_s


@dataclass(frozen=True)
class BackendSpec:
    name: str
    workers: int
    latency: Distribution
    queue_limit: int | None = None
    error_rate: float = 0.0
    error_latency: Distribution | None = None
    faults: tuple[Fault, ...] = field(default_factory=tuple)
    drop_expired: bool = False
    data: DataSpec | None = None
    retry_after_s: float | None = None
    steps: tuple[Step, ...] = ()
    """Calls to other backends after its own work (see sim/graph.py)."""
    after: Distribution | None = None
    """Own work after the downstream calls."""
    blocking: bool = True
    """Whether a worker is held while downstream calls are in flight."""
    replication: ReplicationSpec | None = None
    """Replicas behind a balancer (sim/replicas/); None: one instance."""
    queue: QueueSpec = field(default_factory=QueueSpec)
    """How waiting calls are ordered and shed (sim/queues/)."""
    concurrency_factor: float = 0.0
    """Service time grows by this factor per other call in service."""
    service_curve: tuple[tuple[int, float], ...] = ()
    """(calls in service, service-time multiplier) points; overrides the factor."""

    @property
    def replicas(self) -> int:
        return self.replication.replicas if self.replication is not None else 1


class BackendStats:
    """Counters reset at the end of warm-up, so they cover the measured window only."""

    __slots__ = ("calls", "dropped", "errors", "queued", "rejected", "served", "shed",
                 "wait_s")

    def __init__(self) -> None:
        self.calls = 0
        self.errors = 0
        self.rejected = 0
        self.dropped = 0
        self.served = 0      # calls that reached a worker
        self.queued = 0      # calls that found every worker busy and waited
        self.wait_s = 0.0    # total time calls waited before service (served calls only)
        self.shed = 0        # calls the queue discipline shed (waited too long)


class Backend:
    """The runtime object; ``call`` is a SimPy generator returning an :class:`Outcome`."""

    def __init__(self, env: simpy.Environment, spec: BackendSpec, streams: RandomStreams,
                 series: TimeSeries, data: DataModel | None = None,
                 known_ends: bool = False) -> None:
        """``known_ends``: its calls may run on a timeline when its spec allows (see
        sim/queues/known_fifo.py); not where tied requests may reach it, whose copies
        leave its queue."""
        self.env = env
        self.spec = spec
        self.name = spec.name
        self.capacity = spec.workers
        self.busy = 0
        self.queue = make_queue(spec.queue)
        self.stats = BackendStats()
        self.busy_gauge = Gauge()
        self.queue_gauge = Gauge()
        self.data: DataModel = data if data is not None else StaticData()
        self._static_ok = (Outcome(Status.OK, Source.NETWORK, 0, 1)
                           if type(self.data) is StaticData else None)
        """Every success of a backend whose data never changes: one shared (immutable)
        outcome instead of one per call."""
        self._series_calls = series.counter(f"backend_calls:{spec.name}")
        self._series = series
        self._bin_s, self._last_bin = series.bin_s, series.last_bin
        self._service = BlockSampler(spec.latency.draw,
                                     streams.generator(f"backend:{spec.name}:latency"))
        self._has_errors = spec.error_rate > 0 or any(
            f.kind in ("error_burst", "outage") for f in spec.faults)
        self._uniform = BlockSampler(lambda rng, n: rng.random(n),
                                     streams.generator(f"backend:{spec.name}:errors"))
        self._error_latency = (BlockSampler(spec.error_latency.draw,
                                            streams.generator(f"backend:{spec.name}:error-latency"))
                               if spec.error_latency is not None else None)
        self._faults = tuple(sorted(spec.faults, key=lambda f: f.at_s))
        self._multipliers = concurrency_multipliers(spec.workers, spec.concurrency_factor,
                                                    spec.service_curve)
        self._max_in_system = spec.queue.max_in_system
        self._hops: list[list[Call]] = []
        self._after = (BlockSampler(spec.after.draw,
                                    streams.generator(f"backend:{spec.name}:after"))
                       if spec.after is not None else None)
        for fault in self._faults:
            if fault.kind == "capacity_drop":
                env.process(self._capacity_window(fault))
        self.timeline = (FifoTimeline(spec.workers) if known_ends and plain_fifo(
            spec.queue, spec.queue_limit, spec.drop_expired, len(spec.faults),
            self._multipliers is not None, len(spec.steps)) else None)
        """Each call's start and end known at its arrival (sim/queues/known_fifo.py), or
        None: calls wait in ``queue`` for a worker."""
        if self.timeline is not None:
            self.busy_gauge = self.timeline.busy_gauge  # type: ignore[assignment]
            self.queue_gauge = self.timeline.queue_gauge  # type: ignore[assignment]

    def reset_stats(self) -> None:
        self.stats = BackendStats()

    def connect(self, hops: list[list[Call]]) -> None:
        """The top call of each hop's layer chain, per step (``spec.steps``' shape)."""
        self._hops = hops

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        """The call as a generator (under layers, or as a downstream hop). A bare backend
        under the driver runs the same steps by callbacks instead (sim/direct.py)."""
        env = self.env
        now = env._now
        stats = self.stats  # (self._count, inlined on this hot path)
        stats.calls += 1
        self._series_calls[self._series.bin_of(now)] += 1
        timeline = self.timeline
        if timeline is not None:  # one event: the call's end
            assert request.tie is None, "a tied request reached a backend on a timeline"
            service, failed = self._draw(request)
            start = timeline.admit(now, service, stats)
            yield at_time(env, start + service)
            timeline.done(start, env._now)
            return self._answer(request, failed, stats)
        if self._faults and self._active("outage", now) is not None:
            delay = self._outage(stats)
            if delay > 0:
                yield Timeout(env, delay)
            return Outcome(Status.ERROR, attempts=1, retry_after_s=self.spec.retry_after_s)
        if self._max_in_system is not None:
            shed = self._shed_at_arrival(stats)
            if shed is not None:
                return shed
        if self.busy < self.capacity:
            self.busy += 1
            self.busy_gauge.set(now, self.busy)
        else:
            refused = self._refusal(request, stats)
            if refused is not None:
                return refused
            ticket = Event(env)
            self.queue.append((ticket, request, now))
            stats.queued += 1
            if request.tie is not None:
                request.tie.queued(request, self, ticket)
            self.queue_gauge.set(now, len(self.queue))
            dropped = yield ticket
            if dropped:
                return Outcome(Status.REJECTED, attempts=1)
            stats.wait_s += env._now - now
        if request.tie is not None:
            request.tie.started(request)
        service, failed = self._serve(request, stats)
        yield Timeout(env, service)
        if self._hops and not failed:
            return (yield from self._downstream(request))
        return self._complete(request, failed, stats)

    def _count(self, now: float) -> BackendStats:
        """Count an arriving call; its stats object is the one its later counts go to (a
        call in flight across the end of warm-up counts in the discarded warm-up stats)."""
        stats = self.stats
        stats.calls += 1
        calls_bin = int(now / self._bin_s)  # (series.bin_of, inlined on the fast paths)
        self._series_calls[calls_bin if calls_bin < self._last_bin else self._last_bin] += 1
        return stats

    def _outage(self, stats: BackendStats) -> float:
        """A call during an outage fails: how long its error takes."""
        stats.errors += 1
        return self._error_latency() if self._error_latency is not None else 0.0

    def _shed_at_arrival(self, stats: BackendStats) -> Outcome | None:
        """Shedding by concurrency (``queue.max_in_system``): a call that finds that many
        calls in service or waiting is shed before it takes a worker or a place."""
        limit = self._max_in_system
        if limit is not None and self.busy + len(self.queue) >= limit:
            stats.shed += 1
            return Outcome(Status.REJECTED, attempts=1, retry_after_s=self.spec.retry_after_s)
        return None

    def _refusal(self, request: Request, stats: BackendStats) -> Outcome | None:
        """The answer to a call that finds every worker busy and may not wait, or None."""
        if not self.queue.admits(request):
            stats.shed += 1
            return Outcome(Status.REJECTED, attempts=1, retry_after_s=self.spec.retry_after_s)
        limit = self.spec.queue_limit
        if limit is not None and len(self.queue) >= limit:
            stats.rejected += 1
            return Outcome(Status.REJECTED, attempts=1, retry_after_s=self.spec.retry_after_s)
        return None

    def _serve(self, request: Request, stats: BackendStats) -> tuple[float, bool]:
        """A call reaches a worker now: its service time and whether it fails, drawn now."""
        stats.served += 1
        return self._draw(request)

    def _draw(self, request: Request) -> tuple[float, bool]:
        """A call's service time and whether it fails (a call on a timeline draws them at
        arrival: in FIFO order, the same draws as at its start)."""
        service = self._service() + request.work_s
        if self._multipliers is not None:
            service *= self._multipliers[self.busy]
        failed = False
        now = self.env._now
        if self._has_errors:
            failed = self._uniform() < self._error_probability(now)
        if self._faults:
            slow = self._active("slowdown", now)
            if slow is not None:
                service *= slow.factor
        if failed and self._error_latency is not None:
            service = self._error_latency()
        return service, failed

    def _complete(self, request: Request, failed: bool, stats: BackendStats) -> Outcome:
        """A call's service is over (and it has no downstream calls): free its worker."""
        self._release()
        return self._answer(request, failed, stats)

    def _answer(self, request: Request, failed: bool, stats: BackendStats) -> Outcome:
        """What a call whose service is over answers."""
        if failed:
            stats.errors += 1
            return Outcome(Status.ERROR, attempts=1, retry_after_s=self.spec.retry_after_s)
        if self._static_ok is not None:
            return self._static_ok
        return Outcome(OK, NETWORK, self.data.version(request.key, self.env._now), 1)

    def _downstream(self, request: Request) -> Generator[Event, Any, Outcome]:
        """The calls to other backends, then the ``after`` work (sim/graph.py)."""
        env = self.env
        blocking = self.spec.blocking
        if not blocking:
            self._release()
        status = yield from run_steps(env, self, request, self._hops)
        if status == Status.OK and self._after is not None:
            if not blocking:
                yield from self._reacquire(request)
            yield Timeout(env, self._after())
            if not blocking:
                self._release()
        if blocking:
            self._release()
        if status != Status.OK:
            if status == Status.ERROR:
                self.stats.errors += 1
            return Outcome(status, attempts=1, retry_after_s=self.spec.retry_after_s)
        return Outcome(Status.OK, Source.NETWORK, self.data.version(request.key, env._now), 1)

    def _reacquire(self, request: Request) -> Generator[Event, Any, None]:
        """A worker for a continuation (already admitted: no queue limit, never dropped)."""
        env = self.env
        if self.busy < self.capacity:
            self.busy += 1
            self.busy_gauge.set(env._now, self.busy)
            return
        ticket = Event(env)
        self.queue.append((ticket, _Continuation(request), env._now))
        self.queue_gauge.set(env._now, len(self.queue))
        yield ticket

    def cancel(self, ticket: Event) -> bool:
        """Take a waiting call out of the queue (a tied copy whose twin started service):
        it ends REJECTED without a worker. False when it is no longer waiting."""
        if not self.queue.withdraw(ticket):
            return False
        self.queue_gauge.set(self.env._now, len(self.queue))
        ticket.succeed(True)
        return True

    def _release(self) -> None:
        """A worker finished: hand it to the next waiter, or free it."""
        if self.queue and self.busy <= self.capacity and self._hand_over():
            return
        self.busy -= 1
        self.busy_gauge.set(self.env._now, self.busy)

    def _hand_over(self) -> bool:
        """Give a worker to the first waiter still wanted; False when nobody is."""
        now = self.env._now
        queue = self.queue
        while queue:
            (ticket, waiting, _), shed = queue.take(now)
            self.queue_gauge.set(now, len(queue))
            if shed:
                self.stats.shed += 1
                ticket.succeed(True)
                continue
            if self.spec.drop_expired and waiting.deadline < now:
                self.stats.dropped += 1
                ticket.succeed(True)
                continue
            ticket.succeed(False)
            return True
        return False

    def _error_probability(self, now: float) -> float:
        rate = self.spec.error_rate
        if self._faults:
            burst = self._active("error_burst", now)
            if burst is not None:
                rate = max(rate, burst.error_rate)
        return rate

    def _active(self, kind: str, now: float) -> Fault | None:
        for fault in self._faults:
            if fault.kind == kind and fault.at_s <= now < fault.end_s:
                return fault
        return None

    def _capacity_window(self, fault: Fault) -> Generator[Event, Any, None]:
        env = self.env
        yield Timeout(env, fault.at_s)
        self.capacity = fault.workers
        yield Timeout(env, fault.for_s)
        self.capacity = self.spec.workers
        while self.busy < self.capacity and self._hand_over():
            self.busy += 1
            self.busy_gauge.set(env._now, self.busy)

