"""The engine against reference recursions fed the very same draws, request by request.

Draw order (documented in sim/engine.py, sim/backend.py, sim/workload/load/arrivals.py):
- arrival gaps: stream ``workload:arrivals``, ``exponential(1.0)`` draws in blocks of
  BLOCK_SIZE, scaled by 1/rate, consumed one per arrival;
- service times: stream ``backend:<name>:latency``, the distribution's ``draw`` in blocks,
  the n-th value going to the n-th call that *starts service* (FIFO: arrival order);
- streams are ``SeedSequence(seed, spawn_key=(replication, crc32(name)))``.
"""

from __future__ import annotations

import heapq

import numpy as np
import pytest

from asyncsim.sim import BackendSpec, RandomStreams, Simulation, SimulationSpec, StrategySpec
from asyncsim.sim.distributions import Exponential, Lognormal
from asyncsim.sim.engine import BLOCK_SIZE
from asyncsim.sim.workload.compose import compose
from asyncsim.sim.workload.load.arrivals import ArrivalSpec
from asyncsim.sim.workload.load.models import OpenLoad
from asyncsim.sim.workload.units.request import PlainRequest

SEED, REPLICATION, RATE = 2024, 3, 3.2


def reference_draws(n: int, service_draw, name: str = "server") -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    streams = RandomStreams(SEED, REPLICATION)
    blocks = n // BLOCK_SIZE + 1
    arrivals_rng = streams.generator("workload:arrivals")
    gaps = np.concatenate([arrivals_rng.exponential(1.0, BLOCK_SIZE) for _ in range(blocks)])
    service_rng = streams.generator(f"backend:{name}:latency")
    services = np.concatenate([service_draw(service_rng, BLOCK_SIZE) for _ in range(blocks)])
    return gaps * (1.0 / RATE), services


def engine_responses(workers: int, service, duration_s: float) -> np.ndarray:  # type: ignore[no-untyped-def]
    spec = SimulationSpec(seed=SEED, duration_s=duration_s, warmup_s=0.0,
                          backends=(BackendSpec("server", workers, service),),
                          workload=compose(OpenLoad(ArrivalSpec(RATE)), PlainRequest("server")))
    result = Simulation(spec, StrategySpec("fifo"), REPLICATION).run()
    order = np.argsort(result.requests["t_start_s"], kind="stable")
    return result.requests["latency_s"][order]


def reference_responses(workers: int, gaps: np.ndarray, services: np.ndarray,
                        n: int) -> np.ndarray:
    """Lindley's recursion generalised: a heap of the times each server becomes free."""
    free_at = [0.0] * workers
    t = 0.0
    out = np.empty(n)
    for i in range(n):
        t = t + gaps[i]  # the same left-to-right float sums as the simulated clock
        start = max(t, heapq.heappop(free_at))
        finish = start + services[i]
        heapq.heappush(free_at, finish)
        out[i] = finish - t
    return out


def lindley_responses(gaps: np.ndarray, services: np.ndarray, n: int) -> np.ndarray:
    """Single server: W_n = max(0, W_{n-1} + S_{n-1} - A_n); response = W_n + S_n."""
    out = np.empty(n)
    wait = 0.0
    for i in range(n):
        if i:
            wait = max(0.0, wait + services[i - 1] - gaps[i])
        out[i] = wait + services[i]
    return out


@pytest.mark.parametrize(("workers", "service"), [
    (1, Exponential(0.28)),                      # rho = 0.90
    (1, Lognormal.from_median_p99(0.15, 1.0)),   # rho = 0.67, heavy tail
    (4, Exponential(1.1)),                       # rho = 0.88
    (4, Lognormal.from_median_p99(0.8, 5.0)),    # rho = 0.87
], ids=["1-exponential", "1-lognormal", "4-exponential", "4-lognormal"])
def test_response_times_match_reference_recursion(workers: int, service) -> None:  # type: ignore[no-untyped-def]
    assert service.mean * RATE / workers < 1  # a stable queue
    duration_s = 6000.0
    engine = engine_responses(workers, service, duration_s)
    n = len(engine)
    assert n > 15_000
    gaps, services = reference_draws(n, service.draw)
    reference = (lindley_responses(gaps, services, n) if workers == 1
                 else reference_responses(workers, gaps, services, n))
    np.testing.assert_allclose(engine, reference, rtol=0, atol=1e-9)
    assert float(np.max(engine)) > 5 * float(np.median(engine))  # a real queue formed


def test_heap_reference_agrees_with_lindley_for_one_server() -> None:
    """The two reference recursions are independent; for c=1 they must coincide."""
    gaps, services = reference_draws(5000, Exponential(0.25).draw)
    np.testing.assert_allclose(lindley_responses(gaps, services, 5000),
                               reference_responses(1, gaps, services, 5000), atol=1e-9)
