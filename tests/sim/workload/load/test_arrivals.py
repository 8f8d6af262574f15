"""Arrival processes: ramps integrate to the right counts, inversion is consistent."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from asyncsim.sim.engine import BLOCK_SIZE
from asyncsim.sim.workload.load.arrivals import (
    ArrivalSpec,
    RateProfile,
    Stage,
    arrival_gaps,
    gap_sampler,
)

stages = st.lists(st.tuples(st.floats(0.5, 100), st.floats(0, 50)), min_size=0, max_size=4)


@given(start_rate=st.floats(0.1, 50), stage_list=stages, t=st.floats(0, 500))
def test_inverse_of_cumulative_rate_is_consistent(start_rate: float,
                                                  stage_list: list[tuple[float, float]],
                                                  t: float) -> None:
    spec = ArrivalSpec(start_rate, "poisson", tuple(Stage(d, r) for d, r in stage_list))
    profile = RateProfile(spec)
    area = profile.area_between(0.0, t)
    if area > 0:
        back = profile.invert(area)
        assert math.isclose(profile.area_between(0.0, back), area, rel_tol=1e-9, abs_tol=1e-9)


def test_constant_arrivals_are_evenly_spaced() -> None:
    gaps = arrival_gaps(ArrivalSpec(4.0, "constant"), np.random.default_rng(0))
    assert [next(gaps) for _ in range(5)] == [0.25] * 5


def test_a_linear_ramp_delivers_its_integral() -> None:
    """0 -> 100/s over 100 s then flat: 5,000 expected in the ramp (Poisson sd 70.7)."""
    spec = ArrivalSpec(0.0, "poisson", (Stage(100.0, 100.0),))
    times = np.cumsum(list(_take(arrival_gaps(spec, np.random.default_rng(3)), 20_000)))
    in_ramp = int((times < 100.0).sum())
    assert abs(in_ramp - 5000) < 4 * math.sqrt(5000)
    first_half = int((times < 50.0).sum())  # rate t: area 1,250 in the first 50 s
    assert abs(first_half - 1250) < 4 * math.sqrt(1250)


def test_rate_dropping_to_zero_ends_the_process() -> None:
    spec = ArrivalSpec(10.0, "constant", (Stage(10.0, 0.0),))
    gaps = list(arrival_gaps(spec, np.random.default_rng(0)))
    assert len(gaps) == 50  # the area of the ramp 10 -> 0 over 10 s


@given(rate=st.floats(0.01, 1e4), process=st.sampled_from(["poisson", "constant"]),
       ramp=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_the_gap_sampler_gives_the_generators_gaps_bit_for_bit(
        rate: float, process: str, ramp: bool, seed: int) -> None:
    """Scaling a block in numpy and scaling each draw are the same IEEE multiplication;
    past a block boundary too, and to the end of a ramp down."""
    stages = (Stage(2 * BLOCK_SIZE / rate, 0.0),) if ramp else ()
    spec = ArrivalSpec(rate, process, stages)  # type: ignore[arg-type]
    expected = list(_take(arrival_gaps(spec, np.random.default_rng(seed)), BLOCK_SIZE + 10))
    sampler = gap_sampler(spec, np.random.default_rng(seed))
    assert [sampler() for _ in expected] == expected
    if ramp and len(expected) < BLOCK_SIZE + 10:
        assert sampler() == math.inf  # the gaps are over


def _take(iterator, n):  # type: ignore[no-untyped-def]
    for _, value in zip(range(n), iterator, strict=False):
        yield value
