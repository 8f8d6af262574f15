"""Fan-out theory: a step that calls N leaves in parallel, each leaf exponential with rate μ
and never queueing (more workers than calls in flight, asserted), so leaf latencies are
independent Exp(μ) and the step's latency is an order statistic of N of them:

- wait for all: the maximum, E[max] = H_N/μ and P(L > t) = 1 − (1 − e^(−μt))^N;
- wait for the first: the minimum, exponential with rate Nμ (mean 1/(Nμ), P(L > t) = e^(−Nμt));
- wait for k (a quorum): the k-th smallest, E = Σ_{i<k} 1/((N − i)μ) (the gaps between
  order statistics of exponentials are independent exponentials, rates Nμ, (N−1)μ, ...);
- the wait for the slowest leaves, wait for all: E[max − min] = E[max] − E[min] =
  (H_N − 1/N)/μ, so the share of fan-out time spent after the first leaf answered
  (``fanout_slowest_share``: a ratio of sums, which converges to the ratio of the means)
  is (H_N − 1/N)/H_N; its tolerance is 4 SE of the ratios of 20 batches.

The formulas are written here from those facts, not read from the code. Requests are
independent (no queue anywhere), so the mean's tolerance is 4 batch-means SE of the run's
own latencies and a survival probability's is 4 binomial SE, sqrt(p(1 − p)/n), of the
theoretical p (validation.md §0). 10,000 requests: SE ≈ 0.6% of E[max].
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from asyncsim.reports.metrics.graph import fanout_slowest_share
from asyncsim.reports.metrics.registry import RunView
from asyncsim.sim import BackendSpec, Simulation, SimulationSpec, StrategySpec
from asyncsim.sim.distributions import Constant, Exponential
from asyncsim.sim.fanout import FanOutSpec
from asyncsim.sim.simulation import RunResult
from asyncsim.sim.workload.compose import compose
from asyncsim.sim.workload.load.arrivals import ArrivalSpec
from asyncsim.sim.workload.load.models import OpenLoad
from asyncsim.sim.workload.units.request import PlainRequest
from tests.validation import theory

N, MU, REQUESTS = 10, 2.0, 10_000


def _run(k: int) -> RunResult:
    rate = 1.0
    spec = SimulationSpec(
        seed=5, duration_s=REQUESTS / rate, warmup_s=0.0,
        backends=(BackendSpec("front", 1000, Constant(0.0),
                              steps=((FanOutSpec("leaf", n=N, k=k),),)),
                  BackendSpec("leaf", 1000, Exponential(1 / MU))),
        workload=compose(OpenLoad(ArrivalSpec(rate)), PlainRequest("front")))
    return Simulation(spec, StrategySpec("fanout"), 0).run()


def _latencies(k: int) -> np.ndarray:
    result = _run(k)
    assert result.backends["leaf"].queued == 0      # independent leaves: nothing waits
    assert result.backends["leaf"].calls == N * result.backends["front"].calls
    columns = result.requests
    order = np.argsort(columns["t_start_s"], kind="stable")
    assert (columns["status"] == 0).all()
    latencies: np.ndarray = columns["latency_s"][order]
    assert latencies.size > 0.95 * REQUESTS
    return latencies


def _assert_survival(latencies: np.ndarray, t: float, expected: float, label: str) -> None:
    measured = float((latencies > t).mean())
    se = math.sqrt(expected * (1 - expected) / latencies.size)
    theory.assert_close_4se(measured, se, expected, label)


def test_wait_for_all_is_the_maximum() -> None:
    latencies = _latencies(k=N)
    harmonic = sum(1 / i for i in range(1, N + 1))
    mean, se = theory.batch_means_se(latencies, batches=20)
    theory.assert_close_4se(mean, se, harmonic / MU, "fan-out wait-all E[max] = H_N/mu")
    for t in (0.5, 1.5, 3.0):
        _assert_survival(latencies, t, 1 - (1 - math.exp(-MU * t)) ** N,
                         f"P(max > {t})")


def test_wait_for_first_is_exponential_with_rate_n_mu() -> None:
    latencies = _latencies(k=1)
    mean, se = theory.batch_means_se(latencies, batches=20)
    theory.assert_close_4se(mean, se, 1 / (N * MU), "fan-out wait-first E[min] = 1/(N mu)")
    for t in (0.02, 0.05, 0.1):
        _assert_survival(latencies, t, math.exp(-N * MU * t), f"P(min > {t})")


@pytest.mark.parametrize("k", [3, 7])
def test_quorum_is_the_kth_order_statistic(k: int) -> None:
    latencies = _latencies(k=k)
    mean, se = theory.batch_means_se(latencies, batches=20)
    expected = sum(1 / ((N - i) * MU) for i in range(k))
    theory.assert_close_4se(mean, se, expected, f"fan-out quorum {k} of {N}")


def test_wait_for_the_slowest_leaves() -> None:
    result = _run(k=N)
    assert result.backends["leaf"].queued == 0
    assert result.graph is not None
    rows = result.graph.fanouts["front->leaf"].rows
    assert len(rows) == result.backends["front"].calls    # one row per fan-out
    first, done = rows[:, 0], rows[:, 1]
    harmonic = sum(1 / i for i in range(1, N + 1))
    mean, se = theory.batch_means_se(done - first, batches=20)
    theory.assert_close_4se(mean, se, (harmonic - 1 / N) / MU,
                            "fan-out E[max - min] = (H_N - 1/N)/mu")
    mean_first, se_first = theory.batch_means_se(first, batches=20)
    theory.assert_close_4se(mean_first, se_first, 1 / (N * MU), "first leaf E[min]")
    size = len(rows) // 20
    ratios = [float((done - first)[i * size:(i + 1) * size].sum()
                    / done[i * size:(i + 1) * size].sum()) for i in range(20)]
    share = fanout_slowest_share(RunView(result))["fanout_slowest_share"]
    assert share == pytest.approx(float((done - first).sum() / done.sum()))
    theory.assert_close_4se(share, float(np.std(ratios, ddof=1) / math.sqrt(20)),
                            (harmonic - 1 / N) / harmonic,
                            "fanout_slowest_share = (H_N - 1/N)/H_N")
