"""Validated scenario -> plain sim objects. The only place that knows both worlds."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from asyncsim.scenarios.models import (
    ArrivalsConfig,
    BackendConfig,
    KeysConfig,
    Scenario,
    WorkloadConfig,
)
from asyncsim.scenarios.workload.pages import boundaries_spec
from asyncsim.sim.backend import BackendSpec, Fault
from asyncsim.sim.data import DataSpec, PoissonChanges
from asyncsim.sim.data_writes import WritableSpec
from asyncsim.sim.replicas.spec import ReplicationSpec
from asyncsim.sim.simulation import SimulationSpec, StrategySpec
from asyncsim.sim.workload.compose import Unit, compose
from asyncsim.sim.workload.context import Workload
from asyncsim.sim.workload.keys import KeySpec
from asyncsim.sim.workload.load.arrivals import ArrivalSpec, Stage
from asyncsim.sim.workload.load.models import (
    Burst,
    ClosedLoad,
    LoadModel,
    OpenLoad,
    Resident,
    TraceLoad,
)
from asyncsim.sim.workload.units.conditional_write import ConditionalWrite
from asyncsim.sim.workload.units.feed_session import FeedSession
from asyncsim.sim.workload.units.live_view import LiveView
from asyncsim.sim.workload.units.navigation import Navigation
from asyncsim.sim.workload.units.page_view import PageView
from asyncsim.sim.workload.units.request import PlainRequest, RequestClass


def simulation_spec(scenario: Scenario) -> SimulationSpec:
    written = written_backends(scenario.workload)
    return SimulationSpec(
        seed=scenario.seed, duration_s=scenario.duration, warmup_s=scenario.warmup,
        backends=tuple(backend_spec(name, cfg, name in written)
                       for name, cfg in scenario.backends.items()),
        workload=workload_spec(scenario.workload, scenario.duration), drain_s=scenario.drain,
        recovery_grid_s=(scenario.recovery.step, scenario.recovery.hold))


def strategy_specs(scenario: Scenario) -> list[StrategySpec]:
    """Each strategy's layers and behaviours; a strategy with ``system`` items also gets the
    backends and workload of its changed scenario."""
    specs = []
    for name, items in scenario.strategies.items():
        spec = StrategySpec(name, tuple(item.to_spec() for item in items if item.is_layer),
                            tuple(item.to_behaviour() for item in items if item.is_behaviour))
        if any(item.kind == "system" for item in items):
            system = simulation_spec(scenario.system_of(name))
            spec = replace(spec, backends=system.backends, workload=system.workload)
        specs.append(spec)
    return specs


def written_backends(cfg: WorkloadConfig) -> set[str]:
    """Backends whose data the workload's users write (their keys change on writes too)."""
    if cfg.live is None or cfg.live.mutations is None or cfg.target is None:
        return set()
    return {cfg.target}


def backend_spec(name: str, cfg: BackendConfig, written: bool = False) -> BackendSpec:
    data: DataSpec | None = PoissonChanges(cfg.data.change_rate) if cfg.data is not None else None
    if written:
        data = WritableSpec(data)
    faults = [(f.replica, Fault(f.kind, f.at, f.for_, f.factor, f.error_rate, f.workers or 0))
              for f in cfg.faults]
    replication = replication_spec(cfg, [(r, f) for r, f in faults if r is not None])
    return BackendSpec(
        name=name, workers=cfg.workers, latency=cfg.latency.to_sim(),
        queue_limit=cfg.queue_limit, error_rate=cfg.errors.rate,
        error_latency=cfg.errors.latency.to_sim() if cfg.errors.latency else None,
        faults=tuple(f for r, f in faults if r is None or replication is None),
        replication=replication,
        drop_expired=cfg.drop_expired, retry_after_s=cfg.errors.retry_after, data=data,
        steps=tuple(step.to_sim() for step in cfg.calls),
        after=cfg.after.to_sim() if cfg.after is not None else None, blocking=cfg.blocking,
        queue=cfg.queue.to_sim(), concurrency_factor=cfg.concurrency_factor,
        service_curve=(cfg.service_curve.to_sim(cfg.latency.to_sim().mean)
                       if cfg.service_curve is not None else ()))


def replication_spec(cfg: BackendConfig,
                     faults: list[tuple[int, Fault]]) -> ReplicationSpec | None:
    """Replicas behind a balancer; None for a single instance without health checks or
    ejection (then it is the plain backend, with the backend's own random streams)."""
    if cfg.replicas == 1 and cfg.outlier_detection is None and cfg.health_check is None:
        return None
    return ReplicationSpec(
        cfg.replicas, cfg.balancer, tuple(cfg.weights or ()),
        cfg.outlier_detection.to_sim() if cfg.outlier_detection is not None else None,
        cfg.health_check.to_sim() if cfg.health_check is not None else None, tuple(faults))


def key_spec(cfg: KeysConfig) -> KeySpec:
    if cfg.zipf is not None:
        return KeySpec(cfg.count, "zipf", zipf_alpha=cfg.zipf)
    if cfg.hot_set is not None:
        return KeySpec(cfg.count, "hotset", hot_fraction=cfg.hot_set.keys,
                       hot_share=cfg.hot_set.share)
    return KeySpec(cfg.count)


def arrival_spec(cfg: ArrivalsConfig) -> ArrivalSpec:
    """The arrival process of poisson or constant arrivals (a trace is a load model of
    its own: :func:`load_model`)."""
    process, rate = cfg.chosen()
    return ArrivalSpec(rate, "poisson" if process == "poisson" else "constant",
                       tuple(Stage(s.for_, s.to) for s in cfg.stages))


def load_model(cfg: WorkloadConfig, duration_s: float = math.inf) -> LoadModel:
    """``duration_s``: how far a looped trace is repeated."""
    if cfg.arrivals is not None and cfg.arrivals.trace is not None:
        trace, loop = cfg.arrivals.trace.trace, cfg.arrivals.trace.loop
        users = len(trace.client_names) if trace.client_names is not None else cfg.users
        return TraceLoad(trace.times, trace.keys, trace.clients, users,
                         copies=trace.copies_until(duration_s) if loop else 1,
                         period_s=trace.loop_period_s if loop else 0.0)
    if cfg.arrivals is not None:
        return OpenLoad(arrival_spec(cfg.arrivals), cfg.users)
    if cfg.contention is not None:
        return Burst(cfg.users)
    if cfg.live is not None:
        return Resident(cfg.users)
    assert cfg.closed is not None
    return ClosedLoad(cfg.users, cfg.closed.think_time.to_sim())


def workload_spec(cfg: WorkloadConfig, duration_s: float = math.inf) -> Workload:
    """The load model × the unit of work the config names."""
    return compose(load_model(cfg, duration_s), unit_spec(cfg))


def unit_spec(cfg: WorkloadConfig) -> Unit:
    """The first unit of :data:`UNITS` whose config is set; else a plain request."""
    for name, build in UNITS.items():
        if getattr(cfg, name) is not None:
            return build(cfg)
    assert cfg.target is not None
    return PlainRequest(cfg.target, key_spec(cfg.keys),
                        tuple(RequestClass(name, c.share, c.priority)
                              for name, c in cfg.classes.items()))


def _page_view(cfg: WorkloadConfig) -> Unit:
    assert cfg.pages is not None
    pages = cfg.pages
    return PageView(pages.resource_specs(), key_spec(cfg.keys), pages.mode,
                    boundaries_spec(pages.boundaries))


def _navigation(cfg: WorkloadConfig) -> Unit:
    assert cfg.navigation is not None and cfg.target is not None
    nav = cfg.navigation
    return Navigation(cfg.target, nav.hover_time.to_sim(), nav.click_probability,
                      key_spec(cfg.keys),
                      nav.click_after.to_sim() if nav.click_after is not None else None,
                      nav.press_lead or 0.0)


def _feed_session(cfg: WorkloadConfig) -> Unit:
    assert cfg.feed is not None and cfg.target is not None
    feed = cfg.feed
    return FeedSession(cfg.target, feed.to_sim(), feed.page_size, feed.pages,
                       feed.read_time.to_sim(), feed.refocus, feed.offset_cost)


def _live_view(cfg: WorkloadConfig) -> Unit:
    assert cfg.live is not None and cfg.target is not None
    live = cfg.live
    return LiveView(cfg.target, key_spec(cfg.keys), live.views, live.key_assignment,
                    live.visibility.to_sim() if live.visibility is not None else None,
                    live.network.to_sim() if live.network is not None else None,
                    live.mutations.to_sim(cfg.target) if live.mutations is not None else None)


def _conditional_write(cfg: WorkloadConfig) -> Unit:
    assert cfg.contention is not None and cfg.target is not None
    return ConditionalWrite(cfg.contention.network.to_sim(), cfg.target)


UNITS: dict[str, Callable[[WorkloadConfig], Unit]] = {
    "pages": _page_view, "navigation": _navigation, "feed": _feed_session,
    "live": _live_view, "contention": _conditional_write}
"""The one registry of units of work, by the workload field that selects them."""
