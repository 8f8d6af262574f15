"""Service-graph theory: a tandem of M/M/1 queues (Jackson), and retries multiplying across
tiers.

Tandem: Poisson arrivals at rate λ through two exponential servers in series (the first
releases its worker before calling the second: a non-blocking hop) form a Jackson network,
whose mean sojourn is 1/(μ1−λ) + 1/(μ2−λ). λ = 0.5, μ1 = 1, μ2 = 1.25: 2 + 4/3 = 3.333 s.
Tolerance: 4 batch-means SE of the run's own sojourns (validation.md), 200k requests.

Retries: a client with up to R retries calls a tier with up to R retries on its call to a
third tier with up to R retries on its call to a database that always fails. Every attempt
at each tier fails, so each call below is made 1+R times: the database sees exactly
(1+R)^3 calls per user request (the SRE book's 4^3 = 64 for R = 3). Exact: no tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest

from asyncsim.sim import BackendSpec, Simulation, SimulationSpec, StrategySpec
from asyncsim.sim.distributions import Exponential
from asyncsim.sim.graph import HopSpec
from asyncsim.sim.workload.compose import compose
from asyncsim.sim.workload.load.arrivals import ArrivalSpec
from asyncsim.sim.workload.load.models import OpenLoad
from asyncsim.sim.workload.units.request import PlainRequest
from tests.helpers import run_yaml, value
from tests.validation import theory


def test_tandem_mm1_mean_sojourn_is_jacksons() -> None:
    rate, mu1, mu2, requests = 0.5, 1.0, 1.25, 200_000
    duration_s = requests / rate
    warmup_s = 0.02 * duration_s
    spec = SimulationSpec(
        seed=3, duration_s=duration_s, warmup_s=warmup_s,
        backends=(BackendSpec("front", 1, Exponential(1 / mu1),
                              steps=((HopSpec("back"),),), blocking=False),
                  BackendSpec("back", 1, Exponential(1 / mu2))),
        workload=compose(OpenLoad(ArrivalSpec(rate)), PlainRequest("front")))
    result = Simulation(spec, StrategySpec("tandem"), 0).run()
    columns = result.requests
    order = np.argsort(columns["t_start_s"], kind="stable")
    measured = order[columns["t_start_s"][order] >= warmup_s]
    mean, se = theory.batch_means_se(columns["latency_s"][measured])
    expected = 1 / (mu1 - rate) + 1 / (mu2 - rate)
    theory.assert_close_4se(mean, se, expected, "tandem M/M/1 E[T]")
    assert result.backends["back"].calls == result.backends["front"].calls


THREE_TIERS = """
version: 1
name: three-tiers
seed: 2
duration: 20s
warmup: {warmup}
backends:
  api:
    latency: 1ms
    workers: 100
    calls:
      - call: {{backend: svc, layers: [{{retry: {{max_attempts: {attempts}, backoff: none}}}}]}}
  svc:
    latency: 1ms
    workers: 100
    calls:
      - call: {{backend: db, layers: [{{retry: {{max_attempts: {attempts}, backoff: none}}}}]}}
  db:
    latency: 1ms
    workers: 100
    errors: {{rate: 1.0}}
workload:
  target: api
  arrivals: {{constant: 1/s}}
strategies:
  every-tier:
    - retry: {{max_attempts: {attempts}, backoff: none}}
"""


@pytest.mark.parametrize(("retries", "warmup"), [(1, "0s"), (2, "0s"), (3, "0s"),
                                                  (2, "5500ms")])
def test_retries_at_three_tiers_multiply(retries: int, warmup: str) -> None:
    """Per tier, counted by each tier's own retry layer (published per hop, reset at the
    warm-up like the client's): tier k (0 the client) makes (1+R)^k calls per request,
    each retried R times; the edge below tier k carries (1+R)^(k+1) calls per request."""
    output = run_yaml(THREE_TIERS.format(attempts=retries + 1, warmup=warmup))
    requests = value(output, "every-tier", "requests")
    assert requests >= (19 if warmup == "0s" else 14)
    for tier, backend in enumerate(("api", "svc", "db"), start=1):
        calls = value(output, "every-tier", f"backend_calls{{backend:{backend}}}")
        assert calls == requests * (1 + retries) ** tier, backend
    for tier, hop in enumerate(("client", "api->svc", "svc->db")):
        assert value(output, "every-tier", f"retries{{hop:{hop}}}") == (
            requests * (1 + retries) ** tier * retries), hop
    for tier, edge in enumerate(("client->api", "api->svc", "svc->db"), start=1):
        assert value(output, "every-tier", f"edge_amplification{{edge:{edge}}}") == (
            pytest.approx((1 + retries) ** tier)), edge
    assert value(output, "every-tier", "retries") == requests * retries * sum(
        (1 + retries) ** tier for tier in range(3))
    assert value(output, "every-tier", "success_rate") == 0
