"""One run: one strategy, one replication. Builds the world, runs it, returns summaries.

Measurement window: counters and time averages cover [warmup, duration]; requests are
folded into streaming summaries per time bin (sim/measure), so reports can keep those
that started after warm-up; the per-request log is kept only when the spec asks.
Arrivals stop at ``duration``; requests still in flight are then given up to ``drain_s``
to finish, so the requests that started in the window are measured whole, not cut off.

A :class:`StopCheck` in the spec can end a run early (k6's ``abortOnFail``): the
measured window then ends at the stop, and requests still in flight are not drained.
"""

from __future__ import annotations

import itertools
import math
import re
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from simpy.core import StopSimulation
from simpy.events import AnyOf, Event, Timeout

from asyncsim.sim.backend import Backend, BackendSpec
from asyncsim.sim.data import DataModel, StaticData
from asyncsim.sim.direct import LayerStart, bottom_call
from asyncsim.sim.driver import RequestDriver
from asyncsim.sim.engine import Environment, RandomStreams
from asyncsim.sim.graph_times import GraphClock
from asyncsim.sim.layer_books import LayerBooks
from asyncsim.sim.layers.base import BuildContext, Call, LayerSpec, build_chain
from asyncsim.sim.measure.recorder import Recorder
from asyncsim.sim.measure.summaries import Summaries, bin_edges
from asyncsim.sim.queues.known_fifo import FifoTimeline
from asyncsim.sim.record import SERIES_BINS, Gauge, TimeSeries
from asyncsim.sim.replicas.replica_set import ReplicaSet, build_backend
from asyncsim.sim.result import BackendResult as BackendResult
from asyncsim.sim.result import FaultWindow as FaultWindow
from asyncsim.sim.result import LayerStats as LayerStats
from asyncsim.sim.result import RunResult as RunResult
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
    keep_requests: bool = True
    """Keep every request's row in memory (``RunResult.requests``): for tests and exact
    checks. The CLI turns it off, so a run's memory stays flat (sim/measure)."""
    raw_dir: str | None = None
    """Where to spool every request's row, a chunk at a time (``--raw``): one folder per
    run under it."""
    recovery_grid_s: tuple[float, float] = (1.0, 10.0)
    """The recovery analysis's (step, hold): its windows after each fault become time bin
    edges, so the analysis reads exact bins (reports/metrics/recovery.py)."""


def _ties_requests(layers: tuple[LayerSpec, ...], backends: tuple[BackendSpec, ...]) -> bool:
    """Whether a tied-requests layer sits anywhere: on the client's chain or on a hop."""
    hops = (hop.layers for b in backends for step in b.steps for hop in step)
    return any(layer.kind == "tied" for chain in (layers, *hops)
               for layer in chain)


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
        known_ends = not _ties_requests(strategy.layers, spec.backends)
        self.backends: dict[str, Backend | ReplicaSet] = {
            b.name: build_backend(self.env, b, self.streams, self.series, self.data[b.name],
                                  known_ends)
            for b in spec.backends}
        self.clock = (GraphClock(self.env, spec.warmup_s, keep=spec.keep_requests)
                      if any(b.steps for b in spec.backends) else None)
        self.entries: dict[str, Call] = {
            name: backend.call if self.clock is None else self.clock.timed(name, backend.call)
            for name, backend in self.backends.items()}
        """Each backend's entry call, timed in a service graph."""
        topology = Topology(self.env, self.streams, strategy.name, self.series, self.data,
                            spec.warmup_s, spec.duration_s, self.entries, self.clock)
        for b in spec.backends:
            if b.steps:
                self.backends[b.name].connect(topology.hops(b))
        self.recorder = Recorder(self._summaries(), spec.keep_requests, self._spool_dir())
        self.books = LayerBooks()
        for label, hop in topology.chains.items():
            self.books.add(label, hop.specs, hop.built, hop.gauges)
        self.logs = ClientLogs()
        """Records the workload keeps beside the requests (views, clicks, sessions)."""
        self.driver = RequestDriver(self.env, self.recorder, self.data)
        self._chains: dict[str, Call] = {}
        self._warm_areas: dict[str, tuple[float, float]] = {}
        self._stop: tuple[float, str] | None = None

    def _summaries(self) -> Summaries:
        spec = self.spec
        every = spec.stop_check.every_s if spec.stop_check is not None else None
        edges = bin_edges(spec.warmup_s, spec.duration_s, self.series.bin_s, self.series.bins,
                          ((f.start_s, f.end_s) for f in self._fault_windows()),
                          *spec.recovery_grid_s, stop_every_s=every)
        return Summaries(edges, spec.warmup_s, self.series.bin_s, self.series.bins,
                         spec.recovery_grid_s, track_staleness=not all(
                             isinstance(model, StaticData) for model in self.data.values()))

    def _spool_dir(self) -> Path | None:
        if self.spec.raw_dir is None:
            return None
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", self.strategy.name)
        return Path(self.spec.raw_dir) / f"{safe}-{self.replication}"

    def call_for(self, backend: str, adapt: Adapter | None = None) -> Call:
        """The strategy's layer stack over one backend (adapted by the workload), built once."""
        if backend not in self._chains:
            gauges: dict[tuple[int, str], Gauge] = {}
            ctx = BuildContext(self.env, self.streams, self.strategy.name, self.series,
                               self.data[backend], self.spec.warmup_s, self.spec.duration_s,
                               target=backend, gauges=gauges)
            if self.clock is not None:  # a service graph: timed entries, no fast path
                bottom = self.clock.counted(f"client->{backend}", self.entries[backend])
            else:
                bottom = bottom_call(self.backends[backend], not adapt)
            call, built = build_chain(self.strategy.layers, ctx,
                                      adapt(bottom) if adapt else bottom)
            if len(built) == 1 and getattr(built[0], "startable", False):
                call = LayerStart(built[0])  # a cache right over a bare backend
            self._chains[backend] = call
            self.books.add(backend, self.strategy.layers, [built], gauges)
        return self._chains[backend]

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
        self._settle(end_of_window)
        for hook in context.at_window_end:
            hook(end_of_window)
        areas = self._areas_at(end_of_window)
        gauge_areas = self._gauge_areas_at(end_of_window)
        if self.driver.in_flight and self._stop is None:
            drained = self.driver.drained = Event(env)
            self._settle_when_due()
            waits: list[Event] = [drained]
            if spec.drain_s != math.inf:
                waits.append(Timeout(env, spec.drain_s))
            env.run(until=AnyOf(env, waits))
        self._settle(env.now)
        self._close_layers(end_of_window)
        for hook in context.at_run_end:
            hook(env.now)
        self.recorder.flush()
        return self._result(areas, gauge_areas, end_of_window, wall0, cpu0)

    def _timelines(self) -> list[FifoTimeline]:
        instances = [instance for b in self.backends.values()
                     for instance in (b.replicas if isinstance(b, ReplicaSet) else [b])]
        return [b.timeline for b in instances if b.timeline is not None]

    def _settle(self, now: float) -> None:
        """Bring the timelines (sim/queues/known_fifo.py) up to now: the calls whose start
        has come count as served, those left to end later that ended are recorded. Before
        the recorder or the counters are read, and when the run ends."""
        for timeline in self._timelines():
            timeline.settle(now)

    def _settle_when_due(self) -> None:
        """While the run drains, nothing else would settle the calls left to end later:
        an event at each one's end does (the drain ends when the last one is recorded)."""
        for timeline in self._timelines():
            if timeline.later is not None:
                timeline.later.end_when_due()

    def _backend_call(self, backend: str) -> Call:
        return self.backends[backend].call

    def _areas_at(self, now: float) -> dict[str, tuple[float, float]]:
        return {name: (b.busy_gauge.area_at(now), b.queue_gauge.area_at(now))
                for name, b in self.backends.items()}

    def _gauge_areas_at(self, now: float) -> dict[tuple[str, int, str], float]:
        """Integrals of the layers' gauges, by (chain target, layer position, gauge name)."""
        return self.books.gauge_areas_at(now)

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
            self._settle(now)
            reason = check.should_stop(self._result(self._areas_at(now),
                                                    self._gauge_areas_at(now), now, 0.0, 0.0,
                                                    self.recorder.snapshot()))
            if reason is not None:
                self._stop = (now, reason)
                stop = Event(env)
                stop.callbacks.append(StopSimulation.callback)  # as env.run(until=...) does
                stop.succeed()
                return

    def _end_of_warmup(self) -> Generator[Event, Any, None]:
        yield Timeout(self.env, self.spec.warmup_s)
        now = self.env.now
        # (reading a timeline's gauges settles it: a cache's late stores land before the
        # layers' counters restart)
        for name, backend in self.backends.items():
            backend.reset_stats()
            self._warm_areas[name] = (backend.busy_gauge.area_at(now),
                                      backend.queue_gauge.area_at(now))
        self.books.warm_up(now)

    def _close_layers(self, end_of_window: float) -> None:
        """Layers that account time (a breaker's open time) close their books at the end
        of the measured window (the spec's, or an early stop); the drain does not count."""
        self.books.close(end_of_window)

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
                wall0: float, cpu0: float, summaries: Summaries | None = None) -> RunResult:
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
        return RunResult(
            strategy=self.strategy.name, replication=self.replication,
            requests=self.recorder.requests(), backends=backends,
            layers=self.books.stats(gauge_areas, span),
            series_bin_s=self.series.bin_s, series_counts=self.series.count_arrays(),
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
                      if isinstance(backend, ReplicaSet)},
            summaries=summaries or self.recorder.summaries, spool=self.recorder.spool,
            graph=self.clock.times() if self.clock is not None else None)

    def _fault_windows(self) -> tuple[FaultWindow, ...]:
        return tuple(FaultWindow(b.name, f.kind, f.at_s, f.end_s) for b in self.spec.backends
                     for f in (*b.faults, *(f for _, f in getattr(b.replication, "faults", ()))))
