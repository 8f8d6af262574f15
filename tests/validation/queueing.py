"""Run a single-backend open queue through the engine and return its measured window."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asyncsim.sim import BackendSpec, Simulation, SimulationSpec, StrategySpec
from asyncsim.sim.distributions import Distribution
from asyncsim.sim.outcome import Status
from asyncsim.sim.queues import QueueSpec
from asyncsim.sim.simulation import BackendResult, RunResult
from asyncsim.sim.workload.compose import compose
from asyncsim.sim.workload.load.arrivals import ArrivalSpec
from asyncsim.sim.workload.load.models import OpenLoad
from asyncsim.sim.workload.units.request import PlainRequest, RequestClass


@dataclass
class QueueRun:
    result: RunResult
    latency_s: np.ndarray      # measured requests, in arrival order
    request_class: np.ndarray  # their class index (0 without classes)
    rejected: np.ndarray       # 1.0 where the request was refused, else 0.0
    backend: BackendResult
    window_s: float


def run_queue(rate_per_s: float, service: Distribution, requests: int, workers: int = 1,
              queue_limit: int | None = None, seed: int = 1, warmup_share: float = 0.02,
              replication: int = 0, queue: QueueSpec | None = None,
              classes: tuple[RequestClass, ...] = ()) -> QueueRun:
    duration_s = requests / rate_per_s
    warmup_s = duration_s * warmup_share
    spec = SimulationSpec(
        seed=seed, duration_s=duration_s, warmup_s=warmup_s,
        backends=(BackendSpec("server", workers, service, queue_limit=queue_limit,
                              queue=queue or QueueSpec()),),
        workload=compose(OpenLoad(ArrivalSpec(rate_per_s)),
                         PlainRequest("server", classes=classes)))
    result = Simulation(spec, StrategySpec("fifo"), replication).run()
    columns = result.requests
    order = np.argsort(columns["t_start_s"], kind="stable")
    measured = order[columns["t_start_s"][order] >= warmup_s]
    return QueueRun(result, columns["latency_s"][measured], columns["request_class"][measured],
                    (columns["status"][measured] == Status.REJECTED).astype(float),
                    result.backends["server"], duration_s - warmup_s)


def batch_quantile_se(values: np.ndarray, q: float, batches: int = 30) -> tuple[float, float]:
    """(quantile of the whole sample, SE from the spread of per-batch quantiles)."""
    size = len(values) // batches
    per_batch = np.quantile(values[len(values) - size * batches:].reshape(batches, size), q,
                            axis=1)
    return float(np.quantile(values, q)), float(per_batch.std(ddof=1) / np.sqrt(batches))
