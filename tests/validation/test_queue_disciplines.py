"""Queue disciplines against theory (docs/validation.md, "Extra: queue disciplines").

M/M/1 at rho = 0.7 (mu = 1), FIFO and non-preemptive LIFO on the same arrivals and the same
service draws (common random numbers):
- work conserving: both have the mean response time of M/M/1, E[W] = 1/(mu - lambda);
- the second moment of the wait under LIFO is FIFO's divided by (1 - rho) (Kleinrock,
  Queueing Systems vol. 2, M/G/1 LCFS): E[Wq^2] = 2 rho / (mu^2 (1 - rho)^3), so with the
  independent service S: E[W^2] = E[Wq^2] + 2 E[Wq] E[S] + E[S^2];
- so LIFO's p99 is larger than FIFO's, by far more than either's standard error.
4 batch-means standard errors, as the other queueing checks.
"""

from __future__ import annotations

import pytest

from asyncsim.sim.distributions import Exponential
from asyncsim.sim.queues import QueueSpec
from asyncsim.sim.workload.units.request import RequestClass
from tests.validation import theory
from tests.validation.queueing import QueueRun, batch_quantile_se, run_queue

RHO = 0.7


def _run(order: str) -> QueueRun:
    return run_queue(RHO, Exponential(1.0), 200_000, seed=13,
                     queue=QueueSpec(order=order))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def runs() -> dict[str, QueueRun]:
    return {order: _run(order) for order in ("fifo", "lifo")}


def _second_moment_w(rho: float, lifo: bool) -> float:
    wq2 = 2 * rho / (1 - rho) ** 2 / ((1 - rho) if lifo else 1.0)
    return wq2 + 2 * rho / (1 - rho) * 1.0 + 2.0


@pytest.mark.slow
def test_fifo_and_lifo_have_the_mm1_mean(runs: dict[str, QueueRun]) -> None:
    for order, run in runs.items():
        mean, se = theory.batch_means_se(run.latency_s)
        theory.assert_close_4se(mean, se, theory.mm1_mean_response(RHO, 1.0), f"{order} E[W]")


@pytest.mark.slow
def test_lifo_spreads_the_wait(runs: dict[str, QueueRun]) -> None:
    for order, run in runs.items():
        mean, se = theory.batch_means_se(run.latency_s ** 2)
        theory.assert_close_4se(mean, se, _second_moment_w(RHO, order == "lifo"),
                                f"{order} E[W^2]")
    fifo, fifo_se = batch_quantile_se(runs["fifo"].latency_s, 0.99)
    lifo, lifo_se = batch_quantile_se(runs["lifo"].latency_s, 0.99)
    assert lifo - fifo > 4 * (fifo_se + lifo_se), (fifo, lifo)


def _cobham_response(rates: tuple[float, float], cls: int) -> float:
    """M/M/1 (mu = 1) with two non-preemptive priority classes (Cobham 1954): class k
    waits W0 / ((1 - sigma_{k-1}) (1 - sigma_k)), W0 = sum(lambda_i E[S^2]) / 2."""
    w0 = sum(rates) * 2.0 / 2
    sigma = (0.0, rates[0], rates[0] + rates[1])
    return w0 / ((1 - sigma[cls]) * (1 - sigma[cls + 1])) + 1.0


@pytest.mark.slow
def test_priority_queue_matches_cobham() -> None:
    """lambda = 0.2 (priority 0) + 0.4 (priority 1), mu = 1: W = 1.75 and 2.875; the
    rate-weighted mean is FIFO's 1/(mu - lambda) = 2.5 (work conserving)."""
    rates = (0.2, 0.4)
    run = run_queue(sum(rates), Exponential(1.0), 200_000, seed=17,
                    queue=QueueSpec(order="priority"),
                    classes=(RequestClass("user", 1 / 3, 0), RequestClass("prefetch", 2 / 3, 1)))
    for cls in (0, 1):
        mean, se = theory.batch_means_se(run.latency_s[run.request_class == cls])
        theory.assert_close_4se(mean, se, _cobham_response(rates, cls), f"class {cls} E[W]")
