"""Page loads against closed forms for exponential latencies.

n resources on n backends with Exp(rate) latencies and workers to spare (no queueing):
- parallel loading, one boundary: ttac = max of n independent exponentials,
  E = H_n / rate (harmonic number), Var = sum_{k=1..n} 1/(k rate)^2;
- one boundary per resource: ttfc = min of n exponentials, E = 1 / (n rate);
- sequential loading: ttac = sum of n exponentials, E = n / rate.
Run length (docs/validation.md §0): sd(max of 4 at rate 10/s) = 0.119 s around 0.208 s, so
±1 % at 95 % needs N1 = (1.96 * 0.119 / 0.00208)^2 ≈ 12,600 views; we run 20,000 and
assert within 4 batch-means standard errors.
"""

from __future__ import annotations

import numpy as np

from asyncsim.scenarios.build import simulation_spec, strategy_specs
from asyncsim.sim import Simulation
from asyncsim.sim.workload.logs.columns import ViewLog
from tests.helpers import scenario_from_yaml
from tests.validation.theory import assert_close_4se, batch_means_se

N, RATE = 4, 10.0
SCENARIO = """
version: 1
name: max-of-exponentials
seed: 11
duration: 4000s
backends:
  r0: {workers: 1000, latency: {exponential: 100ms}}
  r1: {workers: 1000, latency: {exponential: 100ms}}
  r2: {workers: 1000, latency: {exponential: 100ms}}
  r3: {workers: 1000, latency: {exponential: 100ms}}
workload:
  users: 100
  arrivals: {poisson: 5/s}
  pages:
    resources: {a: {backend: r0}, b: {backend: r1}, c: {backend: r2}, d: {backend: r3}}
strategies:
  one-boundary: [{page_load: parallel}]
  four-boundaries:
    - page_load: {mode: parallel, boundaries: {a: [a], b: [b], c: [c], d: [d]}}
  sequential: [{page_load: sequential}]
"""


def _views() -> dict[str, dict[str, np.ndarray]]:
    scenario = scenario_from_yaml(SCENARIO)
    spec = simulation_spec(scenario)
    out = {}
    for strategy in strategy_specs(scenario):
        log = Simulation(spec, strategy, 0).run().logs[ViewLog]
        columns = log.columns()
        order = np.argsort(columns["t_start_s"], kind="stable")
        out[strategy.name] = {name: values[order] for name, values in columns.items()}
    return out


def test_parallel_ttac_is_the_expected_max_and_boundaries_show_content_earlier() -> None:
    views = _views()
    harmonic = sum(1 / k for k in range(1, N + 1))
    one = views["one-boundary"]
    assert len(one["ttac_s"]) > 19_000
    assert_close_4se(*batch_means_se(one["ttac_s"]), harmonic / RATE, "ttac parallel = H_n/rate")
    np.testing.assert_array_equal(one["ttfc_s"], one["ttac_s"])  # one boundary: all or nothing
    four = views["four-boundaries"]
    assert_close_4se(*batch_means_se(four["ttfc_s"]), 1 / (N * RATE), "ttfc = 1/(n rate)")
    assert_close_4se(*batch_means_se(four["ttac_s"]), harmonic / RATE, "ttac, 4 boundaries")
    # common random numbers: the same views, so the comparison is paired view by view
    assert np.all(four["ttfc_s"] <= one["ttfc_s"])
    assert four["ttfc_s"].mean() < one["ttfc_s"].mean() / 3
    sequential = views["sequential"]
    assert_close_4se(*batch_means_se(sequential["ttac_s"]), N / RATE, "ttac sequential = n/rate")
