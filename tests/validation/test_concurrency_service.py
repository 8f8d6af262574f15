"""Service time that depends on concurrency (``service_curve``) and shedding by concurrency
(``queue.max_in_system``), against the formulas they reduce to.

- A curve equal to the linear ``concurrency_factor`` line gives the same run (the table of
  multipliers holds the same numbers to the last bits or so: values equal to 1e-9).
- A flat curve multiplies every service time by exactly 1: the very run of a backend
  without one, whose M/M/c mean wait is Erlang C's (4 batch-means SE).
- ``max_in_system`` K sheds an arrival that finds K calls in the backend: the M/M/c/K loss
  system. P(shed) is pi_K (Erlang B for K = c; (1 - rho) rho^K / (1 - rho^(K+1)) for
  M/M/1/K, written out here), and with K below the workers only K ever serve: Erlang B
  with K servers. 4 batch-means SE over the per-request shed indicator.
"""

from __future__ import annotations

import numpy as np
import pytest

from asyncsim.sim import BackendSpec, Simulation, SimulationSpec, StrategySpec
from asyncsim.sim.distributions import Exponential
from asyncsim.sim.queues import QueueSpec
from asyncsim.sim.workload.compose import compose
from asyncsim.sim.workload.load.arrivals import ArrivalSpec
from asyncsim.sim.workload.load.models import OpenLoad
from asyncsim.sim.workload.units.request import PlainRequest
from tests.helpers import run_yaml
from tests.validation import theory
from tests.validation.queueing import run_queue

LINE = """
version: 1
name: curve-vs-factor
seed: 3
duration: 300s
warmup: 20s
backends:
  api:
    workers: 4
    latency: {exponential: 100ms}
    concurrency_factor: 0.5
workload:
  target: api
  arrivals: {poisson: 18/s}
strategies:
  factor: []
  curve:
    - system:
        backends.api.concurrency_factor: 0
        backends.api.service_curve: {multiplier: {1: 1, 4: 2.5}}
  latency-curve:
    - system:
        backends.api.concurrency_factor: 0
        backends.api.service_curve: {latency: {1: 100ms, 3: 200ms, 4: 250ms}}
"""


def test_a_curve_on_the_factors_line_gives_the_factors_run() -> None:
    """f = 0.5 over 4 workers is the line through (1, 1) and (4, 2.5): m(n) = 1 + 0.5 (n-1)."""
    summary = run_yaml(LINE).summary["strategies"]
    factor = summary["factor"]["values"]
    assert factor["latency.p(99)"]["mean"] > 0.3       # the factor matters at this load
    for strategy in ("curve", "latency-curve"):
        values = summary[strategy]["values"]
        for key, entry in factor.items():
            if entry["mean"] is not None:
                assert values[key]["mean"] == pytest.approx(entry["mean"], rel=1e-9, abs=1e-12), \
                    (strategy, key)


def _mmc(curve: tuple[tuple[int, float], ...]) -> tuple[np.ndarray, float]:
    requests, rate = 150_000, 3.0
    spec = SimulationSpec(
        seed=21, duration_s=requests / rate, warmup_s=1000.0,
        backends=(BackendSpec("server", 4, Exponential(1.0), service_curve=curve),),
        workload=compose(OpenLoad(ArrivalSpec(rate)), PlainRequest("server")))
    result = Simulation(spec, StrategySpec("s"), 0).run()
    backend = result.backends["server"]
    return result.requests["latency_s"], backend.wait_s


def test_a_flat_curve_is_plain_mmc() -> None:
    flat_latency, flat_wait = _mmc(((1, 1.0), (4, 1.0)))
    plain_latency, plain_wait = _mmc(())
    assert np.array_equal(flat_latency, plain_latency) and flat_wait == plain_wait
    mean, se = theory.batch_means_se(flat_latency)
    theory.assert_close_4se(mean, se, theory.mmc_mean_response(4, 3.0, 1.0), "M/M/4 E[W]")


def _mm1k_blocking(rho: float, k: int) -> float:
    return (1 - rho) * rho**k / (1 - rho ** (k + 1))


@pytest.mark.parametrize(("workers", "limit", "rate", "expected"), [
    (1, 5, 0.8, _mm1k_blocking(0.8, 5)),                 # M/M/1/5: 0.0888
    (1, 3, 1.5, _mm1k_blocking(1.5, 3)),                 # M/M/1/3 overloaded: 0.4154
    (4, 4, 3.5, theory.erlang_b(4, 3.5)),                # Erlang loss, K = c: 0.2603
    (6, 3, 2.0, theory.erlang_b(3, 2.0)),                # K below the workers: B(3, 2)
    (4, 10, 3.5, theory.mmck_blocking(4, 10, 3.5, 1.0)),  # M/M/4/10: 0.0583
])
def test_shedding_by_concurrency_is_mmck_blocking(workers: int, limit: int, rate: float,
                                                  expected: float) -> None:
    run = run_queue(rate_per_s=rate, service=Exponential(1.0), workers=workers,
                    requests=200_000, seed=30 + limit, queue=QueueSpec(max_in_system=limit))
    mean, se = theory.batch_means_se(run.rejected)
    theory.assert_close_4se(mean, se, expected, f"M/M/{workers}/{limit} P(shed)")
    assert run.backend.rejected == 0 and run.backend.shed is not None and run.backend.shed > 0
    assert run.backend.utilisation <= min(workers, limit) / workers + 1e-9
