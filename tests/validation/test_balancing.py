"""Power of two choices (Mitzenmacher 1996; Vvedenskaya, Dobrushin & Karpelevich 1996):
n M/M/1 servers (rate μ = 1), Poisson arrivals at n·ρ, each joining the shorter of two queues
sampled at random. As n → ∞ the fraction of servers with at least k requests tends to
ρ^(2^k − 1); random assignment splits the Poisson stream into n independent M/M/1 queues,
where that fraction is exactly ρ^k. n = 100, ρ = 0.9 (docs/systems.md).

Measurement: every server's number in system (queued + in service, what the balancer sees as
outstanding) is sampled every 0.1 s after warm-up, and the fraction with ≥ k averaged over
time (a fine regular grid on a stationary process: an unbiased time average).

Tolerances:
- random: exact theory, servers independent, so the SE is the spread of the 100 servers'
  own time averages over √100; assert within 4 SE.
- p2c: the formula is the n → ∞ limit. Expected values of a finite system differ from
  their mean-field limit by O(1/n) (Gast, "Expected values estimated via mean-field
  approximation are 1/N-accurate", SIGMETRICS 2017), with a constant no formula gives here.
  So the assertion is |sim − theory| ≤ 4 SE + 2/n for k = 1..4, the SE from batch means of
  the server-averaged series (queues under p2c relax within seconds; batches of 100 s).
  Measured at n = 100 (seed 11, 2,700 s): 0.9005, 0.7321, 0.4872, 0.2221 against 0.9,
  0.729, 0.4783, 0.2059; the gap grows with k to 1.6/n at k = 4 (the finite system's tail
  is heavier), which the 2/n term covers. The check therefore guards the shape and the gap
  to random assignment (0.656 at k = 4), not the third digit; and it must beat random by
  far where they differ: at k = 3, ρ^7 = 0.478 against ρ^3 = 0.729.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import pytest
from simpy.events import Event, Timeout

from asyncsim.sim import BackendSpec, Simulation, SimulationSpec, StrategySpec
from asyncsim.sim.distributions import Exponential
from asyncsim.sim.replicas.replica_set import ReplicaSet
from asyncsim.sim.replicas.spec import ReplicationSpec
from asyncsim.sim.workload.compose import compose
from asyncsim.sim.workload.load.arrivals import ArrivalSpec
from asyncsim.sim.workload.load.models import OpenLoad
from asyncsim.sim.workload.units.request import PlainRequest
from tests.validation import theory

N, RHO, DURATION_S, WARMUP_S, EVERY_S, KS = 100, 0.9, 3000.0, 300.0, 0.1, (1, 2, 3, 4)


def _occupancy(balancer: str) -> np.ndarray:
    """Samples x servers: the number in system of each server at each sample time."""
    spec = SimulationSpec(
        seed=11, duration_s=DURATION_S, warmup_s=WARMUP_S,
        backends=(BackendSpec("srv", 1, Exponential(1.0),
                              replication=ReplicationSpec(N, balancer)),),
        workload=compose(OpenLoad(ArrivalSpec(N * RHO)), PlainRequest("srv")))
    simulation = Simulation(spec, StrategySpec(balancer), 0)
    servers = simulation.backends["srv"]
    assert isinstance(servers, ReplicaSet)
    rows: list[list[int]] = []

    def sample() -> Generator[Event, Any, None]:
        yield Timeout(simulation.env, WARMUP_S)
        while True:
            rows.append(list(servers.outstanding))
            yield Timeout(simulation.env, EVERY_S)

    simulation.env.process(sample())
    simulation.run()
    return np.array(rows[: int((DURATION_S - WARMUP_S) / EVERY_S)])


def test_random_assignment_gives_rho_to_the_k() -> None:
    occupancy = _occupancy("random")
    for k in KS:
        per_server = (occupancy >= k).mean(axis=0)     # each server's time average
        mean = float(per_server.mean())
        se = float(per_server.std(ddof=1) / np.sqrt(N))
        theory.assert_close_4se(mean, se, RHO ** k, f"random: P(L >= {k})")


@pytest.fixture(scope="module")
def p2c() -> np.ndarray:
    return _occupancy("p2c")


def test_power_of_two_choices_approaches_the_mean_field_limit(p2c: np.ndarray) -> None:
    for k in KS:
        series = (p2c >= k).mean(axis=1)               # fraction of servers, per sample
        mean, se = theory.batch_means_se(series, batches=27)
        expected = RHO ** (2 ** k - 1)
        theory.assert_close_4se(mean, se, expected, f"p2c: fraction with >= {k}",
                                abs_tol=4 * se + 2 / N)


def test_two_choices_beat_random_where_the_formulas_differ(p2c: np.ndarray) -> None:
    fraction = float((p2c >= 3).mean())
    assert fraction < 0.6 < RHO ** 3      # 0.478 in the limit against 0.729
