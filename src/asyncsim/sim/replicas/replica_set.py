"""A replicated backend: ``n`` backends with their own workers, queue and random streams
(``<name>/<i>``), behind one balancer, with optional outlier ejection and health checks.

To the rest of the run it looks like one backend (``call``, ``stats``, gauges, ``connect``):
its counters and time averages are the sums over its replicas, so ``backend_calls{backend:x}``
means the same with or without replicas. Per replica it keeps the calls it was sent, their
answers' latency and the time each spent ejected (``replica_stats``).

Usable replicas are those neither ejected nor unhealthy; when fewer than the panic share
are usable, the balancer uses them all (Envoy's panic threshold). A tied copy
(sim/layers/tied.py) is sent to a replica other than its twin's when there is one.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, replace
from typing import Any

import simpy
from simpy.events import Event

from asyncsim.sim.backend import Backend, BackendSpec, BackendStats
from asyncsim.sim.data import DataModel
from asyncsim.sim.engine import BlockSampler, RandomStreams
from asyncsim.sim.layers.base import Call
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.record import Gauge, TimeSeries
from asyncsim.sim.replicas.balancers import (
    Balancer,
    ConsistentHash,
    LeastOutstanding,
    PowerOfTwo,
    RandomChoice,
    RoundRobin,
    Weighted,
)
from asyncsim.sim.replicas.ejection import OutlierDetector
from asyncsim.sim.replicas.health import HealthChecker
from asyncsim.sim.replicas.spec import ReplicationSpec
from asyncsim.sim.request import Request


class SumGauge:
    """The sum of several gauges' integrals (what the simulation reads of a backend)."""

    def __init__(self, gauges: list[Gauge]) -> None:
        self.gauges = gauges

    def area_at(self, now: float) -> float:
        return sum(gauge.area_at(now) for gauge in self.gauges)


@dataclass
class ReplicaCounts:
    """What one replica saw in the measured window."""

    calls: int = 0
    failures: int = 0
    answered: int = 0
    latency_sum_s: float = 0.0
    """Summed as the calls end (a running total, not a list: memory stays flat)."""


@dataclass(frozen=True)
class ReplicaResult:
    """One replica over the measured window, for the per-replica metrics."""

    calls: int              # calls the balancer sent it in the window (tied copies taken
                            # out of a queue not counted)
    failures: int           # errors, rejections and answers after the caller's deadline
    mean_latency_s: float   # of the calls answered in the window, NaN without any
    utilisation: float
    ejections: int
    ejected_s: float


class ReplicaSet:
    def __init__(self, env: simpy.Environment, spec: BackendSpec, streams: RandomStreams,
                 series: TimeSeries, data: DataModel, known_ends: bool = False) -> None:
        replication = spec.replication
        assert replication is not None
        self.env = env
        self.spec = spec
        self.name = spec.name
        self.replication = replication
        count = replication.replicas
        quiet = TimeSeries(series.bin_s, series.bins)   # replicas' own series are not charted
        self.replicas = [
            Backend(env, replace(spec, name=f"{spec.name}/{index}", replication=None,
                                 faults=spec.faults + tuple(
                                     fault for at, fault in replication.faults if at == index)),
                    streams, quiet, data, known_ends)
            for index in range(count)]
        self.outstanding = [0] * count
        self.counts = [ReplicaCounts() for _ in range(count)]
        self.busy_gauge = SumGauge([replica.busy_gauge for replica in self.replicas])
        self.queue_gauge = SumGauge([replica.queue_gauge for replica in self.replicas])
        self._series = series
        self._series_calls = series.counter(f"backend_calls:{spec.name}")
        uniform = BlockSampler(lambda rng, n: rng.random(n),
                               streams.generator(f"balancer:{spec.name}"))
        self.balancer = _balancer(replication, self.outstanding, uniform)
        self.detector = (OutlierDetector(env, replication.outlier, count, self._refresh)
                         if replication.outlier is not None else None)
        self.health = (HealthChecker(env, replication.health,
                                     [replica.call for replica in self.replicas], self._refresh)
                       if replication.health is not None else None)
        self._usable = [True] * count
        self._candidates = list(range(count))
        self._warm_busy = [0.0] * count

    @property
    def stats(self) -> BackendStats:
        total = BackendStats()
        for replica in self.replicas:
            for name in BackendStats.__slots__:
                setattr(total, name, getattr(total, name) + getattr(replica.stats, name))
        return total

    def reset_stats(self) -> None:
        for replica in self.replicas:
            replica.reset_stats()
        self.counts = [ReplicaCounts() for _ in self.replicas]
        self._warm_busy = [replica.busy_gauge.area_at(self.env._now) for replica in self.replicas]
        if self.detector is not None:
            self.detector.reset(self.env._now)

    def connect(self, hops: list[list[Call]]) -> None:
        """Every replica makes its downstream calls through the same hop chains (one
        client library per service, shared by its replicas)."""
        for replica in self.replicas:
            replica.connect(hops)

    def results(self, start_s: float, end_s: float) -> tuple[ReplicaResult, ...]:
        """Each replica over the measured window [start_s, end_s] (reset at start_s)."""
        span = end_s - start_s
        count = len(self.replicas)
        ejected = self.detector.close(end_s) if self.detector is not None else [0.0] * count
        ejections = self.detector.ejections if self.detector is not None else [0] * count
        out = []
        for index, (replica, counts) in enumerate(zip(self.replicas, self.counts, strict=True)):
            busy = replica.busy_gauge.area_at(end_s) - self._warm_busy[index]
            latency = (counts.latency_sum_s / counts.answered if counts.answered
                       else float("nan"))
            out.append(ReplicaResult(counts.calls, counts.failures, latency,
                                     busy / (span * self.spec.workers) if span > 0 else 0.0,
                                     ejections[index], ejected[index]))
        return tuple(out)

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        env = self.env
        now = env._now
        self._series_calls[self._series.bin_of(now)] += 1
        candidates = self._candidates
        index = self.balancer.pick(request, candidates, self._usable)
        tie = request.tie
        if tie is not None:
            twins = tie.replicas()
            if index in twins and len(candidates) > len(twins):
                at = candidates.index(index) if index in candidates else 0
                while candidates[at] in twins:   # the next usable replica without a twin
                    at = (at + 1) % len(candidates)
                index = candidates[at]
            request.replica = index  # type: ignore[attr-defined]  # a TiedRequest
        self.outstanding[index] += 1
        counts = self.counts[index]
        counts.calls += 1
        outcome: Outcome = yield from self.replicas[index].call(request)
        self.outstanding[index] -= 1
        if getattr(request, "cancelled", False):   # a tied copy taken out of the queue
            if counts is self.counts[index]:       # sent in the same window: uncount it
                counts.calls -= 1
            return outcome
        failed = outcome.status != Status.OK or env._now > request.deadline
        counts = self.counts[index]   # the measured window's, if it began meanwhile
        counts.failures += failed
        counts.answered += 1
        counts.latency_sum_s += env._now - now
        if self.detector is not None:
            self.detector.record(index, failed)
        return outcome

    def _refresh(self) -> None:
        """Recompute the usable replicas after an ejection or a health change."""
        count = len(self.replicas)
        ejected = self.detector.ejected if self.detector is not None else [False] * count
        healthy = self.health.healthy if self.health is not None else [True] * count
        usable = [healthy[i] and not ejected[i] for i in range(count)]
        if sum(usable) * 100.0 < self.replication.panic_percent * count or not any(usable):
            usable = [True] * count
        self._usable = usable
        self._candidates = [i for i in range(count) if usable[i]]


def _balancer(spec: ReplicationSpec, outstanding: list[int], uniform: BlockSampler) -> Balancer:
    kind = spec.balancer
    if kind == "round_robin":
        return RoundRobin()
    if kind == "random":
        return RandomChoice(uniform)
    if kind == "least_outstanding":
        return LeastOutstanding(outstanding)
    if kind == "p2c":
        return PowerOfTwo(outstanding, uniform)
    if kind == "consistent_hash":
        return ConsistentHash(spec.replicas)
    return Weighted(spec.weights)


def build_backend(env: simpy.Environment, spec: BackendSpec, streams: RandomStreams,
                  series: TimeSeries, data: DataModel,
                  known_ends: bool = False) -> Backend | ReplicaSet:
    """A plain backend, or a replica set when the spec has replicas (``known_ends``: see
    ``Backend``)."""
    if spec.replication is None:
        return Backend(env, spec, streams, series, data, known_ends)
    return ReplicaSet(env, spec, streams, series, data, known_ends)
