"""Validated scenario -> plain sim objects. The only place that knows both worlds."""

from __future__ import annotations

from asyncsim.scenarios.models import BackendConfig, KeysConfig, Scenario, WorkloadConfig
from asyncsim.sim.backend import BackendSpec, Fault
from asyncsim.sim.simulation import SimulationSpec, StrategySpec
from asyncsim.sim.workload.arrivals import ArrivalSpec, Stage
from asyncsim.sim.workload.basic import ClosedWorkload, OpenWorkload
from asyncsim.sim.workload.context import Workload
from asyncsim.sim.workload.keys import KeySpec


def simulation_spec(scenario: Scenario) -> SimulationSpec:
    return SimulationSpec(
        seed=scenario.seed, duration_s=scenario.duration, warmup_s=scenario.warmup,
        backends=tuple(backend_spec(name, cfg) for name, cfg in scenario.backends.items()),
        workload=workload_spec(scenario.workload), drain_s=scenario.drain)


def strategy_specs(scenario: Scenario) -> list[StrategySpec]:
    return [StrategySpec(name, tuple(item.to_spec() for item in items))
            for name, items in scenario.strategies.items()]


def backend_spec(name: str, cfg: BackendConfig) -> BackendSpec:
    return BackendSpec(
        name=name, workers=cfg.workers, latency=cfg.latency.to_sim(),
        queue_limit=cfg.queue_limit, error_rate=cfg.errors.rate,
        error_latency=cfg.errors.latency.to_sim() if cfg.errors.latency else None,
        faults=tuple(Fault(f.kind, f.at, f.for_, f.factor, f.error_rate, f.workers or 0)
                     for f in cfg.faults),
        drop_expired=cfg.drop_expired)


def key_spec(cfg: KeysConfig) -> KeySpec:
    if cfg.zipf is not None:
        return KeySpec(cfg.count, "zipf", zipf_alpha=cfg.zipf)
    if cfg.hot_set is not None:
        return KeySpec(cfg.count, "hotset", hot_fraction=cfg.hot_set.keys,
                       hot_share=cfg.hot_set.share)
    return KeySpec(cfg.count)


def workload_spec(cfg: WorkloadConfig) -> Workload:
    keys = key_spec(cfg.keys)
    if cfg.arrivals is not None:
        process, rate = cfg.arrivals.chosen()
        arrivals = ArrivalSpec(rate, "poisson" if process == "poisson" else "constant",
                               tuple(Stage(s.for_, s.to) for s in cfg.arrivals.stages))
        return OpenWorkload(arrivals, cfg.target, cfg.users, keys)
    assert cfg.closed is not None
    return ClosedWorkload(cfg.users, cfg.closed.think_time.to_sim(), cfg.target, keys)
