"""The consecutive-failure breaker against its renewal formulas (docs/validation.md, 'Extra').

Model: Poisson(λ) requests; each backend call fails independently with probability p;
the breaker trips after k consecutive failures, stays open O seconds refusing requests,
then lets the next request through as a probe (success closes, failure reopens).

The scenario is the table's first row (p = 0.5, k = 5, λ = 10/s, O = 1 s): rejected
fraction 0.238095 and 0.119048 trips per second. The backend answers in zero time, as the
model assumes (a probe is judged before the next request arrives).

Run length: the spec's N₁ (±1 % at 95 %) is 3·10⁶ requests because cycles are long (84
requests on average). That is too slow for a unit test, so the run has 3·10⁵ requests
(30 000 s of simulated time, ~3 600 cycles): the standard error is then about 1.6 % of
the value and the 4-SE tolerance about ±6.5 %. That still separates the right model
from plausible mistakes: tripping one failure early (k = 4) raises the rejected fraction
to 0.38 and the trip rate to 0.19/s; refusing the probe too adds 10 % to the rejected
fraction. Both standard errors come from the run itself by batch means: requests in 30
batches of ~10⁴ (≈120 cycles each), trips per time bin in 33 batches of 900 s.
"""

from __future__ import annotations

from asyncsim.scenarios.build import simulation_spec, strategy_specs
from asyncsim.sim.outcome import Status
from asyncsim.sim.simulation import Simulation
from tests.helpers import scenario_from_yaml
from tests.validation import theory as th

P, K, LAM, OPEN_S = 0.5, 5, 10.0, 1.0
DURATION_S = 30_000.0
BIN_S = DURATION_S / 200       # the run's time-series bins
WARMUP_S = 2 * BIN_S

SCENARIO = f"""
version: 1
name: breaker-renewal
seed: 20240611
duration: {DURATION_S:g}s
warmup: {WARMUP_S:g}s
backends:
  api:
    workers: 1
    latency: 0s
    errors: {{rate: {P}}}
workload:
  target: api
  arrivals: {{poisson: {LAM:g}/s}}
strategies:
  breaker:
    - breaker: {{consecutive_failures: {K}, open_for: {OPEN_S:g}s, half_open_calls: 1}}
"""


def test_consecutive_failure_breaker_rejected_fraction_and_trip_rate() -> None:
    scenario = scenario_from_yaml(SCENARIO)
    [strategy] = strategy_specs(scenario)
    result = Simulation(simulation_spec(scenario), strategy, 0).run()

    measured = result.requests["t_start_s"] >= WARMUP_S
    refused = (result.requests["status"][measured] == Status.SHORT_CIRCUITED).astype(float)
    assert refused.size > 280_000
    mean, se = th.batch_means_se(refused, batches=30)
    th.assert_close_4se(mean, se, th.breaker_rejected_fraction(P, K, LAM, OPEN_S),
                        "rejected fraction")

    trips_per_bin = result.series_counts["breaker_trips:api:0"][2:] / BIN_S
    mean, se = th.batch_means_se(trips_per_bin, batches=33)
    th.assert_close_4se(mean, se, th.breaker_trip_rate(P, K, LAM, OPEN_S), "trips per second")
    assert result.layers[0].counters["trips"] == result.series_counts[
        "breaker_trips:api:0"][2:].sum()  # the counter and the series agree
