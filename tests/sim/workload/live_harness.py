"""Run a live workload from Python with small deterministic worlds, for behaviour tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from asyncsim.sim.backend import BackendSpec, Fault
from asyncsim.sim.data import DataSpec, PoissonChanges
from asyncsim.sim.data_writes import WritableSpec
from asyncsim.sim.distributions import Constant, Distribution
from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.simulation import RunResult, Simulation, SimulationSpec, StrategySpec
from asyncsim.sim.workload.compose import compose
from asyncsim.sim.workload.keys import KeySpec
from asyncsim.sim.workload.load.models import Resident
from asyncsim.sim.workload.logs.live import ChangeLog, DisplayLog, SwitchLog
from asyncsim.sim.workload.mutations import MutationsSpec
from asyncsim.sim.workload.units.live_view import KeyAssignment, LiveView
from asyncsim.sim.workload.visibility import AlternatingSpec


def run_live(behaviours: Sequence[object] = (), *, layers: Sequence[LayerSpec] = (),
             users: int = 1, views: int = 1, keys: int = 1,
             key_assignment: KeyAssignment = "round_robin", duration_s: float = 60.0,
             warmup_s: float = 0.0, latency: Distribution | None = None,
             change_rate_per_s: float | None = None, error_rate: float = 0.0,
             faults: Sequence[Fault] = (), visibility: AlternatingSpec | None = None,
             network: AlternatingSpec | None = None, mutations: MutationsSpec | None = None,
             write_latency: Distribution | None = None, write_error_rate: float = 0.0,
             workers: int = 64, seed: int = 1, replication: int = 0) -> RunResult:
    """One run over backend ``api`` (and ``writes`` when there are mutations)."""
    return simulate_live(**locals())[1]


def simulate_live(behaviours: Sequence[object] = (), *, layers: Sequence[LayerSpec] = (),
                  users: int = 1, views: int = 1, keys: int = 1,
                  key_assignment: KeyAssignment = "round_robin", duration_s: float = 60.0,
                  warmup_s: float = 0.0, latency: Distribution | None = None,
                  change_rate_per_s: float | None = None, error_rate: float = 0.0,
                  faults: Sequence[Fault] = (), visibility: AlternatingSpec | None = None,
                  network: AlternatingSpec | None = None, mutations: MutationsSpec | None = None,
                  write_latency: Distribution | None = None, write_error_rate: float = 0.0,
                  workers: int = 64, seed: int = 1,
                  replication: int = 0) -> tuple[Simulation, RunResult]:
    """Like :func:`run_live`, also returning the simulation (its data models, backends)."""
    data: DataSpec | None = (PoissonChanges(change_rate_per_s)
                             if change_rate_per_s is not None else None)
    if mutations is not None:
        data = WritableSpec(data)
    backends = [BackendSpec("api", workers, latency or Constant(0.0), error_rate=error_rate,
                            faults=tuple(faults), data=data)]
    if mutations is not None and mutations.target != "api":
        backends.append(BackendSpec(mutations.target, workers, write_latency or Constant(0.0),
                                    error_rate=write_error_rate))
    workload = compose(Resident(users), LiveView("api", KeySpec(keys), views, key_assignment,
                                                 visibility, network, mutations))
    spec = SimulationSpec(seed, duration_s, warmup_s, tuple(backends), workload)
    simulation = Simulation(spec, StrategySpec("s", tuple(layers), tuple(behaviours)),
                            replication)
    return simulation, simulation.run()


def starts(result: RunResult, client: int | None = None) -> list[float]:
    """Start times of the fetches in the request log (of one client when given)."""
    columns = result.requests
    keep = np.ones(len(columns["t_start_s"]), dtype=bool) if client is None \
        else columns["client"] == client
    return [round(float(t), 9) for t in columns["t_start_s"][keep]]


def switches(result: RunResult, client: int = 0, network: bool = False) -> list[tuple[float, bool]]:
    """(time, new state) of a user's tab (or network) switches."""
    log = result.logs[SwitchLog].columns()
    keep = (log["client"] == client) & (log["network"] == int(network))
    return [(float(t), bool(on)) for t, on in zip(log["t_s"][keep], log["on"][keep],
                                                   strict=True)]


def displays(result: RunResult) -> dict[str, np.ndarray]:
    columns: dict[str, np.ndarray] = result.logs[DisplayLog].columns()
    return columns


def changes(result: RunResult) -> dict[str, np.ndarray]:
    columns: dict[str, np.ndarray] = result.logs[ChangeLog].columns()
    return columns
