"""A bulkhead is an M/M/c/K system (docs/validation.md §4): blocking and admitted latency.

A bulkhead with ``max_concurrent: c``, ``max_queue: K - c`` and no wait limit, in front of
a backend with many more workers than c (so the backend never queues), with Poisson
arrivals and exponential service, blocks an arrival exactly when K calls are inside it:
the rejected fraction is π_K (PASTA), Erlang B when K = c. Admitted calls wait in the
bulkhead's FIFO queue, so their mean latency is E[W] = L/(λ(1 − π_K)).

Run lengths (spec's N₁ for ±1 % at 95 %, SE from 30 batch means of the run itself):

* M/M/4/4, a = 3.5: P_block = 0.260271, N₁ = 2.4·10⁵; 2·10⁵ requests give SE ≈ 0.6 %;
* M/M/1/5 overload, λ = 1.2: P_block = 0.250588, N₁ = 3.7·10⁵; 1.5·10⁵ requests, SE ≈ 0.8 %;
* M/M/4/10, a = 3.5: E[W] admitted = 1.473501 (N₁ ≈ 2·10⁵) is asserted at 2·10⁵ requests;
  its blocking 0.058281 has N₁ = 5.2·10⁶, so at this length the tolerance is ±10 %: it
  still catches a queue one slot off (K = 9 or 11 moves π_K by +21 % or −17 %).
"""

from __future__ import annotations

import numpy as np
import pytest

from asyncsim.scenarios.build import simulation_spec, strategy_specs
from asyncsim.sim.outcome import Status
from asyncsim.sim.simulation import RunResult, Simulation
from tests.helpers import scenario_from_yaml
from tests.validation import theory as th

WARMUP_S = 200.0


def run_bulkhead(c: int, k: int, lam: float, requests: int, seed: int) -> RunResult:
    duration_s = WARMUP_S + requests / lam
    text = f"""
    version: 1
    name: bulkhead-mmck
    seed: {seed}
    duration: {duration_s:g}s
    warmup: {WARMUP_S:g}s
    backends:
      api:
        workers: {4 * k}
        latency: {{exponential: 1s}}
    workload:
      target: api
      arrivals: {{poisson: {lam:g}/s}}
    strategies:
      bulkhead:
        - bulkhead: {{max_concurrent: {c}, max_queue: {k - c}, max_wait: inf}}
    """
    scenario = scenario_from_yaml(text)
    [strategy] = strategy_specs(scenario)
    return Simulation(simulation_spec(scenario), strategy, 0).run()


def measured(result: RunResult) -> dict[str, np.ndarray]:
    keep = result.requests["t_start_s"] >= WARMUP_S
    return {name: column[keep] for name, column in result.requests.items()}


@pytest.mark.parametrize(("c", "k", "lam", "requests", "seed"), [
    (4, 4, 3.5, 200_000, 11),    # Erlang B
    (1, 5, 1.2, 150_000, 12),    # M/M/1/5 in overload
])
def test_bulkhead_blocking_matches_mmck(c: int, k: int, lam: float, requests: int,
                                        seed: int) -> None:
    result = run_bulkhead(c, k, lam, requests, seed)
    columns = measured(result)
    blocked = (columns["status"] == Status.REJECTED).astype(float)
    mean, se = th.batch_means_se(blocked, batches=30)
    expected = th.erlang_b(c, lam) if c == k else th.mmck_blocking(c, k, lam, 1.0)
    th.assert_close_4se(mean, se, expected, f"P_block M/M/{c}/{k}")
    assert result.backends["api"].rejected == 0   # every refusal was the bulkhead's
    assert result.layers[0].counters["rejected"] >= blocked.sum()


def test_bulkhead_with_queue_matches_mm4_10_blocking_and_admitted_latency() -> None:
    c, k, lam = 4, 10, 3.5
    columns = measured(run_bulkhead(c, k, lam, 200_000, 13))
    blocked = (columns["status"] == Status.REJECTED).astype(float)
    mean, se = th.batch_means_se(blocked, batches=30)
    th.assert_close_4se(mean, se, th.mmck_blocking(c, k, lam, 1.0), "P_block M/M/4/10")
    admitted = columns["latency_s"][columns["status"] == Status.OK]
    mean, se = th.batch_means_se(admitted, batches=30)
    th.assert_close_4se(mean, se, th.mmck_mean_response(c, k, lam, 1.0),
                        "E[W] admitted M/M/4/10")
