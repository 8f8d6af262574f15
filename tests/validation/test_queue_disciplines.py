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
