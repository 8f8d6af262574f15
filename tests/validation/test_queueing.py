"""Queueing theory checks (docs/validation.md cases 1-4), 4 standard errors by batch means.

Run lengths follow docs/validation.md's CI suggestions: rho=0.5 for M/M/1 (N1 of E[W] is
4e5; with 3e5 requests the 4-SE band is about ±2.3%), rho=0.75 for M/M/c, rho=0.5 for M/D/1.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from asyncsim.sim.distributions import Constant, Exponential
from tests.validation import theory
from tests.validation.queueing import batch_quantile_se, run_queue


def _variance_from_n1(n1: float, true_value: float) -> float:
    """The asymptotic per-request variance implied by docs/validation.md's N1 (±1% at 95%)."""
    return n1 * (0.01 * true_value) ** 2 / 1.96**2


@pytest.fixture(scope="module")
def mm1() -> object:
    return run_queue(rate_per_s=0.5, service=Exponential(1.0), requests=300_000, seed=11)


def test_mm1_mean_response_time(mm1) -> None:  # type: ignore[no-untyped-def]
    mean, se = theory.batch_means_se(mm1.latency_s)
    theory.assert_close_4se(mean, se, theory.mm1_mean_response(0.5, 1.0), "M/M/1 E[W]")


def test_mm1_probability_of_waiting(mm1) -> None:  # type: ignore[no-untyped-def]
    backend = mm1.backend
    p_wait = backend.queued / backend.calls
    se = math.sqrt(_variance_from_n1(1.2e5, 0.5) / backend.calls)
    theory.assert_close_4se(p_wait, se, theory.mm1_p_wait(0.5, 1.0), "M/M/1 P(wait)")


def test_mm1_p95_response_time(mm1) -> None:  # type: ignore[no-untyped-def]
    p95, se = batch_quantile_se(mm1.latency_s, 0.95)
    theory.assert_close_4se(p95, se, theory.mm1_response_quantile(0.5, 1.0, 0.95), "M/M/1 p95")


def test_mm1_littles_law(mm1) -> None:  # type: ignore[no-untyped-def]
    """Time-average number in system (gauges) equals throughput x mean response (requests)."""
    backend = mm1.backend
    time_average_l = backend.mean_in_service + backend.mean_queue_length
    little = len(mm1.latency_s) / mm1.window_s * float(np.mean(mm1.latency_s))
    assert time_average_l == pytest.approx(little, rel=0.01)


def test_mm1_utilisation_is_rho(mm1) -> None:  # type: ignore[no-untyped-def]
    assert mm1.backend.utilisation == pytest.approx(0.5, abs=0.01)


@pytest.fixture(scope="module")
def mmc() -> object:
    return run_queue(rate_per_s=3.0, service=Exponential(1.0), workers=4, requests=400_000,
                     seed=12)


def test_erlang_c_probability_of_waiting(mmc) -> None:  # type: ignore[no-untyped-def]
    waited = mmc.backend.queued / mmc.backend.calls
    expected = theory.erlang_c(4, 3.0)
    # The asymptotic variance at rho=0.875 (N1 = 6.0e5 for C = 0.737861) bounds it at 0.75.
    se = math.sqrt(_variance_from_n1(6.0e5, 0.737861) / mmc.backend.calls)
    theory.assert_close_4se(waited, se, expected, "M/M/4 P(wait)")


def test_erlang_c_mean_wait(mmc) -> None:  # type: ignore[no-untyped-def]
    mean_response, se = theory.batch_means_se(mmc.latency_s)
    theory.assert_close_4se(mean_response, se, theory.mmc_mean_response(4, 3.0, 1.0),
                            "M/M/4 E[W]")
    mean_wait = mmc.backend.wait_s / mmc.backend.served
    # Wq = W - S: its batch SE is at most that of W plus the service noise; use W's.
    theory.assert_close_4se(mean_wait, se, theory.mmc_mean_wait(4, 3.0, 1.0), "M/M/4 E[Wq]")


def test_md1_mean_wait() -> None:
    run = run_queue(rate_per_s=0.5, service=Constant(1.0), requests=200_000, seed=13)
    waits = run.latency_s - 1.0  # deterministic service: response minus service is the wait
    mean, se = theory.batch_means_se(waits)
    theory.assert_close_4se(mean, se, theory.md1_mean_wait(0.5, 1.0), "M/D/1 E[Wq]")


@pytest.mark.parametrize(("workers", "capacity", "rate", "requests"), [
    (1, 5, 0.8, 300_000),    # M/M/1/5: 0.088819
    (1, 5, 1.2, 200_000),    # M/M/1/5 overloaded: 0.250588
    (4, 4, 3.5, 200_000),    # Erlang B: 0.260271
    (4, 10, 3.5, 400_000),   # M/M/4/10: 0.058281
])
def test_blocking_probability(workers: int, capacity: int, rate: float, requests: int) -> None:
    run = run_queue(rate_per_s=rate, service=Exponential(1.0), workers=workers,
                    queue_limit=capacity - workers, requests=requests, seed=14 + capacity)
    mean, se = theory.batch_means_se(run.rejected)
    expected = theory.mmck_blocking(workers, capacity, rate, 1.0)
    theory.assert_close_4se(mean, se, expected, f"M/M/{workers}/{capacity} P(block)")


def _mva_response(users: int, think_s: float, service_s: float) -> float:
    """Exact Mean Value Analysis of N users, think Z, one exponential FCFS server."""
    queue = 0.0
    response = service_s
    for n in range(1, users + 1):
        response = service_s * (1 + queue)
        throughput = n / (response + think_s)
        queue = throughput * response
    return response


def test_closed_model_matches_mean_value_analysis() -> None:
    from asyncsim.sim import BackendSpec, Simulation, SimulationSpec, StrategySpec
    from asyncsim.sim.workload.compose import compose
    from asyncsim.sim.workload.load.models import ClosedLoad
    from asyncsim.sim.workload.units.request import PlainRequest

    spec = SimulationSpec(seed=21, duration_s=60_000.0, warmup_s=1_000.0,
                          backends=(BackendSpec("server", 1, Exponential(1.0)),),
                          workload=compose(ClosedLoad(8, Exponential(10.0)),
                                           PlainRequest("server")))
    result = Simulation(spec, StrategySpec("closed"), 0).run()
    columns = result.requests
    order = np.argsort(columns["t_start_s"], kind="stable")
    measured = columns["latency_s"][order][columns["t_start_s"][order] >= 1_000.0]
    mean, se = theory.batch_means_se(measured)
    theory.assert_close_4se(mean, se, _mva_response(8, 10.0, 1.0), "closed N=8 E[R]")
