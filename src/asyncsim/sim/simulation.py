"""One run: one strategy, one replication. Builds the world, runs it, returns columns.

Measurement window: counters and time averages cover [warmup, duration]; the request
log keeps every request (reports filter on ``t_start_s >= warmup``). Arrivals stop at
``duration``; requests still in flight are then given up to ``drain_s`` to finish, so
the requests that started in the window are measured whole, not cut off.

A :class:`StopCheck` in the spec can end a run early (k6's ``abortOnFail``): the
measured window then ends at the stop, and requests still in flight are not drained.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from simpy.core import StopSimulation
from simpy.events import AnyOf, Event, Timeout

from asyncsim.sim.backend import Backend, BackendSpec
from asyncsim.sim.data import DataModel, StaticData
from asyncsim.sim.direct import bottom_call
from asyncsim.sim.driver import RequestDriver
from asyncsim.sim.engine import Environment, RandomStreams
from asyncsim.sim.layers.base import BuildContext, Call, LayerSpec, build_chain
from asyncsim.sim.record import SERIES_BINS, Gauge, RequestLog, TimeSeries
from asyncsim.sim.replicas.replica_set import ReplicaResult, ReplicaSet, build_backend
from asyncsim.sim.topology import Topology
from asyncsim.sim.workload.context import Adapter, Workload, WorkloadContext
from asyncsim.sim.workload.logs.container import ClientLogs


@dataclass(frozen=True)
class StrategySpec:
    """Layers wrap every request; behaviours tell the workload how to ask (page loading
    mode, prefetching, pagination, keeping live views fresh), read through
    ``WorkloadContext.behaviour``.

    ``backends`` and ``workload``, when set, replace the spec's for this strategy only (a
    strategy that changes the system: more workers, a queue limit, another arrival rate).
    The random streams depend on the seed, the replication and the names only, so such a
    strategy keeps common random numbers with the others.
    """

    name: str
    layers: tuple[LayerSpec, ...] = ()
    behaviours: tuple[object, ...] = ()
    backends: tuple[BackendSpec, ...] | None = None
    workload: Workload | None = None


@dataclass(frozen=True)
class StopCheck:
    """Asked every ``every_s`` of simulated time after warm-up whether to end the run now.

    Why a callable: the model knows nothing of metrics or thresholds; whoever builds the
    spec decides (reports evaluate thresholds on the snapshot). ``should_stop`` gets a
    :class:`RunResult` of the run so far (its request columns view the live log, so they
    are valid only during the call) and returns why to stop, or None to go on. It must
    be picklable to reach worker processes, and it only reads: a run that is not stopped
    is the same run as without the check.
    """

    every_s: float
    should_stop: Callable[[RunResult], str | None]

    def __post_init__(self) -> None:
        if not self.every_s > 0:
            raise ValueError(f"every_s must be positive (got {self.every_s})")


REPORT_TICKS = 1000
"""How often a run with a progress listener looks at the wall clock (per run)."""


@dataclass(frozen=True)
class SimulationSpec:
    seed: int
    duration_s: float
    warmup_s: float
    backends: tuple[BackendSpec, ...]
    workload: Workload
    drain_s: float = math.inf
    stop_check: StopCheck | None = None


@dataclass
class BackendResult:
    workers: int
    calls: int
    errors: int
    rejected: int
    dropped: int
    served: int
    queued: int
    wait_s: float
    utilisation: float
    mean_queue_length: float
    mean_in_service: float
    shed: int | None = None     # calls its queue discipline shed; None: it never sheds


@dataclass(frozen=True)
class LayerStats:
    """What one layer of the strategy's stack counted over the measured window.

    ``counters`` are totals (summed over a per-client layer's instances); ``gauges`` are
    time averages of the layer's gauges over the measured window (a cache's ``entries``).
    """

    target: str      # the backend the stack is built over
    position: int    # 0 = outermost layer of the strategy
    kind: str        # the LayerSpec's kind: "cache", "retry", "breaker", ...
    counters: Mapping[str, float]
    gauges: Mapping[str, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The layer as reports tag it: ``<target>:<position>:<kind>``."""
        return f"{self.target}:{self.position}:{self.kind}"


@dataclass(frozen=True)
class FaultWindow:
    """One fault of a backend's timeline, so reports can look at fault time."""

    backend: str
    kind: str
    start_s: float
    end_s: float


@dataclass
class RunResult:
    strategy: str
    replication: int
    requests: dict[str, np.ndarray]
    backends: dict[str, BackendResult]
    layers: tuple[LayerStats, ...]
    series_bin_s: float
    series_counts: dict[str, np.ndarray]
    series_averages: dict[str, np.ndarray]
    warmup_s: float
    duration_s: float           # end of the measured window: the spec's, or the early stop
    sim_time_s: float
    events: int
    wall_s: float
    cpu_s: float
    logs: ClientLogs = field(default_factory=ClientLogs)
    faults: tuple[FaultWindow, ...] = ()
    changing_data: bool = False   # some backend's data changes (staleness can happen)
    stopped_at_s: float | None = None   # set when a StopCheck ended the run early
    stop_reason: str | None = None
    replicas: dict[str, tuple[ReplicaResult, ...]] = field(default_factory=dict)  # by backend


class Simulation:
    def __init__(self, spec: SimulationSpec, strategy: StrategySpec, replication: int,
                 on_time: Callable[[float], None] | None = None,
                 report_every_wall_s: float = 0.25) -> None:
        """``on_time`` hears the simulated clock as the run goes (for a progress bar), at
        most every ``report_every_wall_s`` of wall time; it must not touch the run."""
        self.on_time = on_time
        self.report_every_wall_s = report_every_wall_s
        if strategy.backends is not None:
            spec = replace(spec, backends=strategy.backends)
        if strategy.workload is not None:
            spec = replace(spec, workload=strategy.workload)
        self.spec = spec
        self.strategy = strategy
        self.replication = replication
        self.env = Environment()
        self.streams = RandomStreams(spec.seed, replication)
        self.series = TimeSeries(spec.duration_s / SERIES_BINS, SERIES_BINS)
        self.data: dict[str, DataModel] = {
            b.name: (b.data.build(self.streams, b.name) if b.data is not None else StaticData())
            for b in spec.backends}
        self.backends: dict[str, Backend | ReplicaSet] = {
            b.name: build_backend(self.env, b, self.streams, self.series, self.data[b.name])
            for b in spec.backends}
        topology = Topology(self.env, self.streams, strategy.name, self.series, self.data,
                            spec.warmup_s, spec.duration_s,
                            {name: backend.call for name, backend in self.backends.items()})
        for b in spec.backends:
            if b.steps:
                self.backends[b.name].connect(topology.hops(b))
        self.log = RequestLog()
        self.logs = ClientLogs()
        """Records the workload keeps beside the request log (views, clicks, sessions)."""
        self.driver = RequestDriver(self.env, self.log, self.data)
        self._chains: dict[str, tuple[Call, list[Any]]] = {}
        self._warm_areas: dict[str, tuple[float, float]] = {}
        self._stop: tuple[float, str] | None = None
        self._gauges: dict[str, dict[tuple[int, str], Gauge]] = {}
        self._gauge_warm_areas: dict[tuple[str, int, str], float] = {}

    def call_for(self, backend: str, adapt: Adapter | None = None) -> Call:
        """The strategy's layer stack over one backend (adapted by the workload), built once."""
        if backend not in self._chains:
            gauges = self._gauges[backend] = {}
            ctx = BuildContext(self.env, self.streams, self.strategy.name, self.series,
                               self.data[backend], self.spec.warmup_s, self.spec.duration_s,
                               target=backend, gauges=gauges)
            bottom = bottom_call(self.backends[backend], not self.strategy.layers and not adapt)
            self._chains[backend] = build_chain(self.strategy.layers, ctx,
                                                adapt(bottom) if adapt else bottom)
        return self._chains[backend][0]

    def run(self) -> RunResult:
        wall0, cpu0 = time.perf_counter(), time.process_time()
        env, spec = self.env, self.spec
        context = WorkloadContext(env, self.streams, self.driver, self.call_for,
                                  spec.warmup_s, spec.duration_s, self.strategy.behaviours,
                                  self.logs, self.data, self._backend_call)
        spec.workload.start(context)
        env.process(self._end_of_warmup())
        env.process(self._sample_series())
        if spec.stop_check is not None:
            env.process(self._watch(spec.stop_check))
        if self.on_time is not None:
            env.process(self._report_time(self.on_time))
        env.run(until=spec.duration_s)
        end_of_window = env.now
        for hook in context.at_window_end:
            hook(end_of_window)
        areas = self._areas_at(end_of_window)
        gauge_areas = self._gauge_areas_at(end_of_window)
        if self.driver.in_flight and self._stop is None:
            drained = self.driver.drained = Event(env)
            waits: list[Event] = [drained]
            if spec.drain_s != math.inf:
                waits.append(Timeout(env, spec.drain_s))
            env.run(until=AnyOf(env, waits))
        self._close_layers(end_of_window)
        for hook in context.at_run_end:
            hook(env.now)
        return self._result(areas, gauge_areas, end_of_window, wall0, cpu0)

    def _backend_call(self, backend: str) -> Call:
        return self.backends[backend].call

    def _areas_at(self, now: float) -> dict[str, tuple[float, float]]:
        return {name: (b.busy_gauge.area_at(now), b.queue_gauge.area_at(now))
                for name, b in self.backends.items()}

    def _gauge_areas_at(self, now: float) -> dict[tuple[str, int, str], float]:
        """Integrals of the layers' gauges, by (backend, layer position, gauge name)."""
        return {(target, position, name): gauge.area_at(now)
                for target, gauges in self._gauges.items()
                for (position, name), gauge in gauges.items()}

    def _report_time(self, on_time: Callable[[float], None]) -> Generator[Event, Any, None]:
        """Tell ``on_time`` the clock REPORT_TICKS times a run, throttled on wall time.

        Why this does not change results: it draws no random number and touches no state,
        and its timeouts only take event ids after the ones already scheduled, so events
        at equal times keep their relative order."""
        step_s = self.spec.duration_s / REPORT_TICKS
        last = -math.inf
        for k in range(1, REPORT_TICKS):
            yield Timeout(self.env, max(0.0, k * step_s - self.env.now))
            wall = time.monotonic()
            if wall - last >= self.report_every_wall_s:
                last = wall
                on_time(self.env.now)

    def _watch(self, check: StopCheck) -> Generator[Event, Any, None]:
        """Ask ``check`` at warm-up + k * every_s; on a reason, stop ``env.run`` right now."""
        env = self.env
        start_s = self.spec.warmup_s
        for k in itertools.count(1):
            # k * every_s, not a running sum: check times (and stop times) stay round.
            yield Timeout(env, max(0.0, start_s + k * check.every_s - env.now))
            now = env.now
            if now >= self.spec.duration_s:
                return
            reason = check.should_stop(self._result(self._areas_at(now),
                                                    self._gauge_areas_at(now), now, 0.0, 0.0))
            if reason is not None:
                self._stop = (now, reason)
                stop = Event(env)
                stop.callbacks.append(StopSimulation.callback)  # as env.run(until=...) does
                stop.succeed()
                return

    def _end_of_warmup(self) -> Generator[Event, Any, None]:
        yield Timeout(self.env, self.spec.warmup_s)
        now = self.env.now
        for name, backend in self.backends.items():
            backend.reset_stats()
            self._warm_areas[name] = (backend.busy_gauge.area_at(now),
                                      backend.queue_gauge.area_at(now))
        for _, layers in self._chains.values():
            for layer in layers:
                for part in _parts(layer):
                    part.counters.clear()
        self._gauge_warm_areas = self._gauge_areas_at(now)

    def _close_layers(self, end_of_window: float) -> None:
        """Layers that account time (a breaker's open time) close their books at the end
        of the measured window (the spec's, or an early stop); the drain does not count."""
        for _, layers in self._chains.values():
            for layer in layers:
                for part in _parts(layer):
                    close = getattr(part, "close", None)
                    if close is not None:
                        close(end_of_window)

    def _sample_series(self) -> Generator[Event, Any, None]:
        series = self.series
        previous = {name: (0.0, 0.0) for name in self.backends}
        previous_layers: dict[tuple[str, int, str], float] = {}
        for index in range(series.bins):
            yield Timeout(self.env, series.bin_s)
            now = self.env.now
            for name, backend in self.backends.items():
                busy, queued = backend.busy_gauge.area_at(now), backend.queue_gauge.area_at(now)
                busy0, queued0 = previous[name]
                series.gauge_series(f"busy:{name}")[index] = (busy - busy0) / series.bin_s
                series.gauge_series(f"queue:{name}")[index] = (queued - queued0) / series.bin_s
                previous[name] = (busy, queued)
            for (target, position, name), area in self._gauge_areas_at(now).items():
                before = previous_layers.get((target, position, name), 0.0)
                series.gauge_series(f"{name}:{target}:{position}")[index] = (
                    (area - before) / series.bin_s)
                previous_layers[target, position, name] = area

    def _result(self, areas: dict[str, tuple[float, float]],
                gauge_areas: dict[tuple[str, int, str], float], end_of_window: float,
                wall0: float, cpu0: float) -> RunResult:
        span = end_of_window - self.spec.warmup_s
        backends = {}
        for name, backend in self.backends.items():
            busy0, queue0 = self._warm_areas.get(name, (0.0, 0.0))
            busy1, queue1 = areas[name]
            s = backend.stats
            workers = backend.spec.workers * backend.spec.replicas
            backends[name] = BackendResult(
                workers=workers, calls=s.calls, errors=s.errors,
                rejected=s.rejected, dropped=s.dropped, served=s.served,
                queued=s.queued, wait_s=s.wait_s,
                utilisation=(busy1 - busy0) / (span * workers),
                mean_queue_length=(queue1 - queue0) / span,
                mean_in_service=(busy1 - busy0) / span,
                shed=s.shed if backend.spec.queue.sheds else None)
        layers: list[LayerStats] = []
        for target, (_, built) in sorted(self._chains.items()):
            for position, layer in enumerate(built):
                counters = _layer_counters(layer)
                gauges: dict[str, float] = {}
                for at, name in self._gauges.get(target, {}):
                    if at == position:
                        area = (gauge_areas[target, position, name]
                                - self._gauge_warm_areas.get((target, position, name), 0.0))
                        gauges[name] = area / span
                if counters or gauges:
                    layers.append(LayerStats(target, position,
                                             self.strategy.layers[position].kind,
                                             counters, gauges))
        return RunResult(
            strategy=self.strategy.name, replication=self.replication,
            requests=self.log.columns(), backends=backends, layers=tuple(layers),
            series_bin_s=self.series.bin_s, series_counts=dict(self.series.counts),
            series_averages=dict(self.series.averages), warmup_s=self.spec.warmup_s,
            duration_s=end_of_window, sim_time_s=self.env.now,
            events=next(self.env._eid), wall_s=time.perf_counter() - wall0,
            cpu_s=time.process_time() - cpu0,
            logs=self.logs, faults=self._fault_windows(),
            changing_data=any(not isinstance(model, StaticData) for model in self.data.values()),
            stopped_at_s=self._stop[0] if self._stop else None,
            stop_reason=self._stop[1] if self._stop else None,
            replicas={name: backend.results(self.spec.warmup_s, end_of_window)
                      for name, backend in self.backends.items()
                      if isinstance(backend, ReplicaSet)})

    def _fault_windows(self) -> tuple[FaultWindow, ...]:
        return tuple(FaultWindow(b.name, f.kind, f.at_s, f.end_s) for b in self.spec.backends
                     for f in (*b.faults, *(f for _, f in getattr(b.replication, "faults", ()))))


def _parts(layer: Any) -> list[Any]:
    """The runtime objects holding a layer's ``counters``: its per-client instances, or itself."""
    instances = getattr(layer, "instances", None)
    parts = list(instances.values()) if instances is not None else [layer]
    return [part for part in parts if hasattr(part, "counters")]


def _layer_counters(layer: Any) -> dict[str, float]:
    """Sum a layer's counters over its per-client instances."""
    total: dict[str, float] = {}
    for part in _parts(layer):
        for name, value in part.counters.items():
            total[name] = total.get(name, 0.0) + value
    return total
