"""Retry presets against docs/library-defaults.md §1-2: each preset's delay sequence, fed fixed
uniforms, equals the library's formula written out here in the library's own indexing."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from asyncsim.scenarios.items.layers.retry import RetryConfig
from asyncsim.sim.layers.retry.budget import ConcurrencyBudgetSpec, RateBudgetSpec
from asyncsim.sim.layers.retry.layer import RetrySpec
from asyncsim.sim.outcome import Status

U = [0.0, 0.1, 0.37, 0.5, 0.81, 0.999]


def spec_of(fields: dict[str, Any]) -> RetrySpec:
    spec = RetryConfig.model_validate(fields).to_spec()
    assert isinstance(spec, RetrySpec)
    return spec


def delays_ms(spec: RetrySpec, uniforms: list[float]) -> list[float]:
    backoff, state, out = spec.backoff, spec.backoff.initial_state, []
    for n, u in enumerate(uniforms, start=1):
        wait, state = backoff.delay(n, u, state)
        out.append(wait * 1000)
    return out


def test_tanstack_query_v5() -> None:
    spec = spec_of({"preset": "tanstack-query-v5"})
    assert spec.max_attempts == 4  # retry: 3, failureCount < 3
    # retryDelay = min(1000 * 2 ** failureCount, 30000), failureCount = 0, 1, 2, ...
    expected = [min(1000 * 2**k, 30000) for k in range(len(U))]
    assert delays_ms(spec, U) == pytest.approx(expected)
    assert delays_ms(spec, [0.5] * 7)[-2:] == [30000, 30000]


def test_swr_2() -> None:
    spec = spec_of({"preset": "swr-2"})
    assert spec.max_attempts == math.inf  # errorRetryCount undefined
    # floor((random + 0.5) * 2 ** min(retryCount, 8)) * errorRetryInterval, retryCount from 1
    expected = [math.floor((u + 0.5) * 2 ** min(n, 8)) * 5000 for n, u in enumerate(U, 1)]
    assert delays_ms(spec, U) == pytest.approx(expected)
    # documented ranges: retry 1 in {5, 10} s, retry 2 in {10, 15, 20, 25} s
    grid = np.linspace(0, 0.999, 50)
    assert {spec.backoff.delay(1, u, 0.0)[0] for u in grid} == {5, 10}
    assert {spec.backoff.delay(2, u, 0.0)[0] for u in grid} == {10, 15, 20, 25}


def test_apollo_retrylink() -> None:
    spec = spec_of({"preset": "apollo-retrylink"})
    assert spec.max_attempts == 5
    # U * min(max, initial * 2 ** count), initial 300, max Infinity, count from 1
    expected = [u * min(math.inf, 300 * 2**n) for n, u in enumerate(U, 1)]
    assert delays_ms(spec, U) == pytest.approx(expected)


def test_resilience4j() -> None:
    spec = spec_of({"preset": "resilience4j"})
    assert spec.max_attempts == 3  # includes the first call
    assert delays_ms(spec, U[:2]) == [500, 500]


def test_polly_8() -> None:
    spec = spec_of({"preset": "polly-8"})
    assert spec.max_attempts == 4  # MaxRetryAttempts 3 + the original call
    assert delays_ms(spec, U[:3]) == [2000, 2000, 2000]


@pytest.mark.parametrize(("preset", "jitter"), [
    ("grpc", lambda c, u: c * (0.8 + 0.4 * u)),     # A6 since Aug 2024: ·U(0.8, 1.2)
    ("grpc-pre-2024", lambda c, u: c * u),          # before: U(0, c)
])
def test_grpc(preset: str, jitter: Any) -> None:
    spec = spec_of({"preset": preset, "max_attempts": 4, "base": "100ms", "multiplier": 2,
                    "cap": "1s"})
    # min(initialBackoff * backoffMultiplier ** (n - 1), maxBackoff), n from 1
    expected = [jitter(min(100 * 2 ** (n - 1), 1000), u) for n, u in enumerate(U, 1)]
    assert delays_ms(spec, U) == pytest.approx(expected)
    assert spec.honour_retry_after  # grpc-retry-pushback-ms


def test_grpc_clamps_max_attempts_to_five_and_needs_its_numbers() -> None:
    spec = spec_of({"preset": "grpc", "max_attempts": 9, "base": "100ms", "multiplier": 2,
                    "cap": "1s"})
    assert spec.max_attempts == 5
    with pytest.raises(ValueError, match="grpc preset needs base, multiplier, cap"):
        RetryConfig.model_validate({"preset": "grpc", "max_attempts": 3})


def test_envoy() -> None:
    spec = spec_of({"preset": "envoy"})
    assert spec.max_attempts == 2  # num_retries 1
    # U[0, (2^N - 1) * 25 ms), the range capped at 250 ms, N from 1
    expected = [u * min((2**n - 1) * 25, 250) for n, u in enumerate(U, 1)]
    assert delays_ms(spec, U) == pytest.approx(expected)
    assert spec.gates == (ConcurrencyBudgetSpec(0.0, 3),)  # circuit breaker max_retries 3


def test_finagle() -> None:
    spec = spec_of({"preset": "finagle"})
    assert spec.max_attempts == math.inf
    assert delays_ms(spec, U[:2]) == [0, 0]  # Backoff.const(Duration.Zero)
    assert spec.gates == (RateBudgetSpec(0.2, 10.0, 10.0),)


def test_tenacity() -> None:
    spec = spec_of({"preset": "tenacity"})
    assert spec.max_attempts == math.inf  # stop_never
    assert delays_ms(spec, U[:2]) == [0, 0]  # wait_none
    assert spec.retry_on == {Status.ERROR, Status.TIMEOUT, Status.REJECTED}


def test_explicit_fields_override_the_preset() -> None:
    spec = spec_of({"preset": "envoy", "max_attempts": 3, "jitter": "none"})
    assert spec.max_attempts == 3
    assert delays_ms(spec, U[:4]) == pytest.approx([25, 75, 175, 250])
    assert spec.gates == (ConcurrencyBudgetSpec(0.0, 3),)


def test_polly_decorrelated_medians_match_the_documented_monte_carlo() -> None:
    """docs/library-defaults.md §1.6: with Delay = 2 s the per-delay medians are about
    1.8, 2.3, 4.0, 8.1, 15.9 s (the author's Monte Carlo of the formula)."""
    spec = spec_of({"max_attempts": 6, "backoff": "polly-decorrelated", "base": "2s"})
    rng = np.random.default_rng(6)
    sequences = np.array([delays_ms(spec, list(rng.random(5))) for _ in range(4000)]) / 1000
    medians = np.median(sequences, axis=0)
    assert medians == pytest.approx([1.8, 2.3, 4.0, 8.1, 15.9], rel=0.05)
