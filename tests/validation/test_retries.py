"""Retries, timeouts and hedging against theory (docs/validation.md cases 7 and 8), 4 standard
errors by batch means.

Every case has no queueing (a backend with more workers than can ever be busy), so attempt
latencies are i.i.d. as the theory assumes. Run lengths: N1 (±1% at 95%) is at most ~1e5
requests for the means asserted here, so 4e4-6e4 requests give 4-SE bands of a few percent,
tight enough to catch an off-by-one retry or a wrong jitter factor (a 25% or 50% change).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from asyncsim.sim import BackendSpec, Simulation, SimulationSpec, StrategySpec
from asyncsim.sim.distributions import Constant, Distribution, Exponential, Lognormal
from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.layers.hedge import HedgeSpec
from asyncsim.sim.layers.retry.backoff import BackoffSpec, JitterKind
from asyncsim.sim.layers.retry.layer import RetrySpec
from asyncsim.sim.layers.timeout import TimeoutSpec
from asyncsim.sim.outcome import Status
from asyncsim.sim.workload.compose import compose
from asyncsim.sim.workload.load.arrivals import ArrivalSpec
from asyncsim.sim.workload.load.models import OpenLoad
from asyncsim.sim.workload.units.request import PlainRequest
from tests.validation import theory

NO_QUEUE = 100_000
"""Workers: far more than Little's law ever needs at these rates."""
IMMEDIATE = BackoffSpec("constant", 0.0)
OK = Status.OK


def run(layers: tuple[LayerSpec, ...], latency: Distribution, requests: int,
        error_rate: float = 0.0, rate_per_s: float = 1000.0, warmup_s: float = 0.0,
        seed: int = 7) -> dict[str, np.ndarray]:
    """Measured request columns in start order."""
    duration_s = warmup_s + requests / rate_per_s
    spec = SimulationSpec(seed=seed, duration_s=duration_s, warmup_s=warmup_s,
                          backends=(BackendSpec("api", NO_QUEUE, latency,
                                                error_rate=error_rate),),
                          workload=compose(OpenLoad(ArrivalSpec(rate_per_s)), PlainRequest("api")))
    columns = Simulation(spec, StrategySpec("s", layers), 0).run().requests
    order = np.argsort(columns["t_start_s"], kind="stable")
    order = order[columns["t_start_s"][order] >= warmup_s]
    return {name: values[order] for name, values in columns.items()}


def check(values: np.ndarray, expected: float, label: str) -> None:
    mean, se = theory.batch_means_se(values.astype(float))
    theory.assert_close_4se(mean, se, expected, label)


# --------------------------------------------------------------------------- case 7

P, R, TAU = 0.3, 3, 0.010
DELAYS = theory.exponential_backoff_delays(0.1, 1.0, R)  # 100, 200, 400 ms


@pytest.mark.parametrize("jitter", ["none", "full", "equal"])
def test_independent_failures_success_attempts_and_sleep(jitter: JitterKind) -> None:
    layers = (RetrySpec(R + 1, BackoffSpec("exponential", 0.1, 2.0, 1.0, jitter)),)
    columns = run(layers, Constant(TAU), 60_000, error_rate=P)
    attempts = columns["attempts"]
    check(columns["status"] == OK, theory.retry_success_prob(P, R), f"P(success) {jitter}")
    check(attempts, theory.retry_expected_attempts(P, R), f"E[attempts] {jitter}")
    sleep = columns["latency_s"] - TAU * attempts
    check(sleep, theory.retry_expected_sleep(P, DELAYS, jitter), f"E[sleep] {jitter}")
    ok = columns["status"] == OK
    check(sleep[ok], theory.retry_expected_sleep_given_success(P, DELAYS, jitter),
          f"E[sleep | success] {jitter}")
    check(columns["latency_s"], theory.retry_expected_latency(P, DELAYS, TAU, jitter),
          f"E[latency] {jitter}")


def test_decorrelated_jitter_uncapped_means() -> None:
    """Every attempt fails, so each request sleeps s1 + s2 + s3: 2b + 3.5b + 5.75b."""
    layers = (RetrySpec(4, BackoffSpec("decorrelated", 0.1)),)
    columns = run(layers, Constant(0.0), 20_000, error_rate=1.0)
    expected = sum(theory.decorrelated_jitter_uncapped_mean(0.1, k) for k in (1, 2, 3))
    check(columns["latency_s"], expected, "decorrelated E[s1 + s2 + s3]")


@pytest.mark.parametrize(("p", "expected"), [
    (0.3, theory.layered_retry_expected_calls(0.3, 2, 3)),
    (1.0, 27.0),  # (R + 1)^L
])
def test_layered_retries_amplify(p: float, expected: float) -> None:
    layers = tuple(RetrySpec(3, IMMEDIATE) for _ in range(3))
    columns = run(layers, Constant(TAU), 30_000 if p < 1 else 1000, error_rate=p,
                  rate_per_s=500.0)
    if p == 1.0:
        assert (columns["attempts"] == 27).all()
    else:
        check(columns["attempts"], expected, "E[bottom calls], 3 layers of 2 retries")


# --------------------------------------------------------------------------- case 8

MU, T_S, R8, D_S = 10.0, 0.150, 2, 0.200


@pytest.fixture(scope="module")
def exponential_timeouts() -> dict[str, np.ndarray]:
    layers = (RetrySpec(R8 + 1, IMMEDIATE, frozenset({Status.TIMEOUT})), TimeoutSpec(T_S))
    return run(layers, Exponential(1 / MU), 50_000)


def test_exponential_timeout_retry_success_and_attempts(exponential_timeouts) -> None:  # type: ignore[no-untyped-def]
    columns = exponential_timeouts
    check(columns["status"] == OK, theory.exp_timeout_retry_success(MU, T_S, R8), "P(success)")
    check(columns["attempts"], theory.exp_timeout_retry_expected_attempts(MU, T_S, R8),
          "E[attempts]")


def test_exponential_timeout_retry_time_and_deadline(exponential_timeouts) -> None:  # type: ignore[no-untyped-def]
    columns = exponential_timeouts
    ok = columns["status"] == OK
    check(columns["latency_s"], theory.exp_timeout_retry_expected_time(MU, T_S, R8),
          "E[time until success or give-up]")
    check(ok & (columns["latency_s"] <= D_S),
          theory.exp_timeout_retry_p_by_deadline(MU, T_S, R8, D_S), "P(success by D)")
    check(columns["latency_s"][ok],
          theory.exp_timeout_retry_mean_latency_given_success(MU, T_S, R8), "E[latency | ok]")


def test_timeouts_with_unlimited_retries_leave_exponential_latency_unchanged() -> None:
    layers = (RetrySpec(math.inf, IMMEDIATE, frozenset({Status.TIMEOUT})), TimeoutSpec(T_S))
    columns = run(layers, Exponential(1 / MU), 50_000)
    # Unlimited retries stop at the end of the run (50 s): leave out the last second's
    # requests, which may be cut (P(latency > 1 s) = e^-10 otherwise).
    early = columns["t_start_s"] < 49.0
    assert (columns["status"][early] == OK).all()
    latency = columns["latency_s"][early]
    check(latency, 1 / MU, "E[latency] = 1/mu")
    for x in (0.05, 0.15, 0.3):  # the whole distribution: P(L > x) = e^(-mu x)
        check(latency > x, math.exp(-MU * x), f"P(latency > {x})")


def test_lognormal_timeout_retry() -> None:
    median, sigma, t, d = 0.050, 1.0, 0.200, 0.300
    layers = (RetrySpec(R8 + 1, IMMEDIATE, frozenset({Status.TIMEOUT})), TimeoutSpec(t))
    columns = run(layers, Lognormal(math.log(median), sigma), 50_000)
    ok = columns["status"] == OK
    check(ok, theory.lognormal_timeout_retry_success(median, sigma, t, R8), "P(success)")
    check(columns["attempts"],
          theory.lognormal_timeout_retry_expected_attempts(median, sigma, t, R8), "E[attempts]")
    check(columns["latency_s"],
          theory.lognormal_timeout_retry_expected_time(median, sigma, t, R8), "E[time]")
    check(ok & (columns["latency_s"] <= d),
          theory.lognormal_timeout_retry_p_by_deadline(median, sigma, t, R8, d),
          "P(success by D)")
    check(columns["latency_s"][ok],
          theory.lognormal_timeout_retry_mean_latency_given_success(median, sigma, t, R8),
          "E[latency | success]")


@pytest.mark.parametrize("delay_s", [0.0, 0.1])
def test_hedging_on_exponential_latency(delay_s: float) -> None:
    columns = run((HedgeSpec(delay_s=delay_s),), Exponential(1 / MU), 40_000)
    latency = columns["latency_s"]
    check(latency, theory.hedge_exp_mean(MU, delay_s), f"hedge E[L], d={delay_s}")
    p99 = theory.hedge_exp_quantile(MU, delay_s, 0.99)
    check(latency > p99, 0.01, f"hedge P(L > theoretical p99 {p99:.4f}), d={delay_s}")
    check(columns["attempts"], theory.hedge_exp_expected_requests(MU, delay_s),
          f"hedge E[#requests], d={delay_s}")


def test_hedging_after_the_observed_p95_on_lognormal_latency() -> None:
    """docs/validation.md case 8(c): d = p95 = 259.01 ms gives E[L] = 76.495 ms, 1.05 requests.
    The layer estimates p95 from its last 20,000 latencies, so d carries ~1% noise; its
    effect on E[L] is second order (dE[L]/dd is small near the tail)."""
    median, sigma = 0.050, 1.0
    spec = HedgeSpec(percentile=95, min_samples=2000, window=20_000, refresh_s=1.0)
    columns = run((spec,), Lognormal(math.log(median), sigma), 60_000, warmup_s=5.0)
    d = theory.lognormal_quantile(median, sigma, 0.95)
    check(columns["latency_s"], theory.hedge_lognormal_mean(median, sigma, d), "hedge E[L]")
    check(columns["attempts"], theory.hedge_lognormal_expected_requests(median, sigma, d),
          "hedge E[#requests]")
