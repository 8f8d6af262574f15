"""Backoff and jitter formulas: each kind fed fixed uniforms, against the formula written
out here, plus the bounds every jitter must respect whatever the draw."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asyncsim.sim.layers.retry.backoff import BackoffSpec

U = [0.0, 0.25, 0.5, 0.75, 0.999]


def waits(spec: BackoffSpec, uniforms: list[float]) -> list[float]:
    state, out = spec.initial_state, []
    for n, u in enumerate(uniforms, start=1):
        wait, state = spec.delay(n, u, state)
        out.append(wait)
    return out


def test_constant_linear_exponential_ceilings() -> None:
    assert waits(BackoffSpec("constant", 0.5), U) == [0.5] * 5
    assert waits(BackoffSpec("linear", 0.5), U) == [0.5, 1.0, 1.5, 2.0, 2.5]
    assert waits(BackoffSpec("exponential", 0.1, 2.0, 1.0), U) == pytest.approx(
        [0.1, 0.2, 0.4, 0.8, 1.0])
    assert waits(BackoffSpec("exponential", 0.5, 1.5), U[:4]) == pytest.approx(
        [0.5, 0.75, 1.125, 1.6875])


def test_envoy_ceiling_is_two_to_the_n_minus_one_times_base() -> None:
    spec = BackoffSpec("envoy", 0.025, cap_s=0.25, jitter="none")
    assert waits(spec, U) == pytest.approx([0.025, 0.075, 0.175, 0.25, 0.25])


@pytest.mark.parametrize(("jitter", "formula"), [
    ("full", lambda c, u: u * c),
    ("equal", lambda c, u: c / 2 + u * c / 2),
    ("proportional", lambda c, u: c * (0.8 + 0.4 * u)),
])
def test_jitter_spreads_the_capped_ceiling(jitter: str, formula: object) -> None:
    spec = BackoffSpec("exponential", 0.1, 2.0, 0.5, jitter, 0.2)  # type: ignore[arg-type]
    ceilings = [0.1, 0.2, 0.4, 0.5, 0.5]
    expected = [formula(c, u) for c, u in zip(ceilings, U, strict=True)]  # type: ignore[operator]
    assert waits(spec, U) == pytest.approx(expected)


def test_decorrelated_follows_the_previous_sleep() -> None:
    spec = BackoffSpec("decorrelated", 0.1, cap_s=1.0)
    got = waits(spec, [0.5, 0.5, 0.0, 0.999])
    s1 = 0.1 + 0.5 * (0.3 - 0.1)          # U(b, 3·s0), s0 = b
    s2 = 0.1 + 0.5 * (3 * s1 - 0.1)
    s3 = 0.1                               # u = 0 gives the base
    s4 = min(1.0, 0.1 + 0.999 * (3 * s3 - 0.1))
    assert got == pytest.approx([s1, s2, s3, s4])


def test_swr_is_quantised_and_stops_growing_after_eight() -> None:
    spec = BackoffSpec("swr", 5.0)
    # floor((u + 0.5)·2^min(n, 8))·5 s
    assert waits(spec, [0.0, 0.49]) == [5.0, 15.0]          # floor(1.0), floor(3.96)
    assert spec.delay(1, 0.5, 0.0)[0] == 10.0               # floor(2.0)
    assert spec.delay(2, 0.999, 0.0)[0] == 25.0             # floor(5.996)
    assert spec.delay(9, 0.0, 0.0)[0] == spec.delay(8, 0.0, 0.0)[0] == 640.0


def test_polly_decorrelated_v2_by_its_formula() -> None:
    spec = BackoffSpec("polly-decorrelated", 2.0)
    previous, expected = 0.0, []
    for attempt, u in enumerate([0.5, 0.1, 0.9]):
        t = attempt + u
        x = 2**t * math.tanh(math.sqrt(4 * t))
        expected.append((x - previous) / 1.4 * 2.0)
        previous = x
    assert waits(spec, [0.5, 0.1, 0.9]) == pytest.approx(expected)


def test_zero_base_and_huge_retry_numbers_do_not_break() -> None:
    assert BackoffSpec("exponential", 0.0).delay(10_000, 0.5, 0.0)[0] == 0.0
    assert BackoffSpec("exponential", 0.1, 10.0, 3.0).delay(10_000, 0.5, 0.0)[0] == 3.0
    assert BackoffSpec("exponential", 0.1, 10.0).delay(10_000, 0.5, 0.0)[0] == math.inf


@given(kind=st.sampled_from(["constant", "linear", "exponential", "envoy"]),
       base=st.floats(0.001, 10), multiplier=st.floats(1, 5), cap=st.floats(0.001, 100),
       n=st.integers(1, 200), u=st.floats(0, 1, exclude_max=True), ratio=st.floats(0.01, 1))
def test_every_jitter_stays_in_its_band(kind: str, base: float, multiplier: float, cap: float,
                                        n: int, u: float, ratio: float) -> None:
    plain = BackoffSpec(kind, base, multiplier, cap)  # type: ignore[arg-type]
    c = plain.delay(n, u, 0.0)[0]
    assert 0 <= c <= cap
    assert c <= plain.delay(n + 1, u, 0.0)[0]          # ceilings never shrink
    full = BackoffSpec(kind, base, multiplier, cap, "full").delay(n, u, 0.0)[0]  # type: ignore[arg-type]
    equal = BackoffSpec(kind, base, multiplier, cap, "equal").delay(n, u, 0.0)[0]  # type: ignore[arg-type]
    prop = BackoffSpec(kind, base, multiplier, cap, "proportional", ratio).delay(  # type: ignore[arg-type]
        n, u, 0.0)[0]
    assert 0 <= full <= c
    assert c / 2 <= equal <= c * (1 + 1e-12)
    assert c * (1 - ratio) * (1 - 1e-12) <= prop <= c * (1 + ratio) * (1 + 1e-12)


@given(base=st.floats(0.001, 1), cap=st.floats(0.001, 10),
       uniforms=st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=30))
def test_decorrelated_stays_between_base_and_cap(base: float, cap: float,
                                                 uniforms: list[float]) -> None:
    spec = BackoffSpec("decorrelated", base, cap_s=cap)
    state = spec.initial_state
    for n, u in enumerate(uniforms, start=1):
        wait, new_state = spec.delay(n, u, state)
        assert min(base, cap) <= wait + 1e-12
        assert wait <= min(cap, max(base, 3 * state)) + 1e-12
        state = new_state
