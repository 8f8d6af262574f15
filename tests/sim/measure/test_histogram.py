"""The streaming histograms and sums (sim/measure): the documented relative error, merging,
exact sums, and summaries that do not depend on where chunks split."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncsim.sim.measure.histogram import (
    GAMMA,
    RELATIVE_ERROR,
    CellHistograms,
    Histogram,
    bucket_of,
    bucket_value,
    exact_sum,
    mean_value,
    merged,
)
from asyncsim.sim.measure.summaries import Summaries, bin_edges, recovery_grid

TOLERANCE = RELATIVE_ERROR * (1 + 1e-9)   # the bound, plus rounding of log() at a boundary
latencies = st.lists(st.one_of(st.just(0.0), st.floats(1e-9, 1e5)), min_size=1, max_size=300)
percentiles = st.lists(st.floats(0.0, 100.0), min_size=1, max_size=8)


def histogram_of(values: list[float] | np.ndarray) -> Histogram:
    cells = CellHistograms()
    cells.add(np.zeros(len(values), dtype=np.int64), np.asarray(values, dtype=float))
    return cells.select(np.array([True]))


def test_a_bucket_reads_back_within_the_relative_error_of_its_values() -> None:
    # values spread over 20 decades, and values exactly on bucket boundaries
    values = np.concatenate([np.logspace(-10, 10, 100_001), GAMMA ** np.arange(-500, 500)])
    back = bucket_value(bucket_of(values))
    assert np.max(np.abs(back - values) / values) <= TOLERANCE
    assert bucket_value(bucket_of(np.array([0.0]))).tolist() == [0.0]


def test_tiny_and_huge_values_have_buckets() -> None:
    values = np.array([1e-300, 1e300])
    back = bucket_value(bucket_of(values))
    assert np.all(np.abs(back - values) / values <= TOLERANCE)
    assert bucket_of(np.array([5e-324]))[0] > bucket_of(np.array([0.0]))[0]


@settings(max_examples=200, deadline=None)
@given(latencies, percentiles)
def test_percentiles_are_within_the_relative_error_of_numpys(
        values: list[float], ps: list[float]) -> None:
    exact = np.percentile(np.array(values), ps)
    estimated = histogram_of(values).percentiles(ps)
    for e, h in zip(exact, estimated, strict=True):
        assert abs(h - e) <= TOLERANCE * e + 1e-300


@settings(max_examples=100, deadline=None)
@given(latencies, latencies)
def test_merging_is_the_histogram_of_the_union(a: list[float], b: list[float]) -> None:
    both = merged([histogram_of(a), histogram_of(b)])
    whole = histogram_of(a + b)
    assert both.buckets.tolist() == whole.buckets.tolist()
    assert both.counts.tolist() == whole.counts.tolist()


def test_cells_keep_their_values_apart() -> None:
    cells = CellHistograms()
    cells.add(np.array([0, 1, 1, 2]), np.array([1.0, 2.0, 2.0, 3.0]))
    cells.add(np.array([1, 5]), np.array([2.0, 4.0]))   # a later chunk, a new cell
    only_one = cells.select(np.array([False, True, False, False, False, False]))
    assert only_one.total == 3 and len(only_one.buckets) == 1
    assert cells.select(np.array([True, False, True, False, False, True])).total == 3


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False),
                max_size=200) | st.lists(st.floats(0.0, 1e-300), max_size=200))
def test_exact_sum_is_the_sum(values: list[float]) -> None:
    total = exact_sum(np.array(values, dtype=float))
    assert Fraction(total, 2**1126) == sum((Fraction(v) for v in values), Fraction(0))
    assert float(Fraction(total, 2**1126)) == math.fsum(values)   # as fsum rounds it
    if values:
        assert mean_value(total, 1) == math.fsum(values)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0.0, 1e6), min_size=1, max_size=200), st.integers(0, 200))
def test_a_mean_does_not_depend_on_the_chunking(values: list[float], split: int) -> None:
    array = np.array(values)
    whole = exact_sum(array)
    parts = exact_sum(array[:split]) + exact_sum(array[split:])
    assert whole == parts
    assert mean_value(whole, len(values)) == float(
        sum((Fraction(v) for v in values), Fraction(0)) / len(values))


def columns(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"t_start_s": np.sort(rng.uniform(0, 100, n)), "latency_s": rng.exponential(0.1, n),
            "status": rng.integers(0, 6, n).astype(np.int8),
            "source": rng.integers(0, 6, n).astype(np.int8),
            "attempts": rng.integers(0, 4, n).astype(np.int32),
            "request_class": rng.integers(0, 2, n).astype(np.int8),
            "version": rng.integers(-1, 3, n).astype(np.int32),
            "stale_s": rng.exponential(1.0, n).astype(np.float32)}


def summaries() -> Summaries:
    edges = bin_edges(10.0, 100.0, 0.5, 200, [(40.0, 60.0)], 1.0, 10.0)
    return Summaries(edges, 10.0, 0.5, 200, (1.0, 10.0))


@pytest.mark.parametrize("split", [0, 1, 777, 2000])
def test_summaries_do_not_depend_on_where_chunks_split(split: int) -> None:
    rows = columns(2000, 3)
    one, two = summaries(), summaries()
    one.add(rows)
    two.add({k: v[:split] for k, v in rows.items()})
    two.add({k: v[split:] for k, v in rows.items()})
    for name in ("counts", "attempts", "attempt_counts", "short_circuit_last_s", "done_ok",
                 "latency_min", "latency_max", "stale_min", "stale_max"):
        assert np.array_equal(getattr(one, name), getattr(two, name)), name
    assert one.latency_sum == two.latency_sum and one.stale_sum == two.stale_sum
    assert one.latency.keys.tolist() == two.latency.keys.tolist()
    assert one.latency.counts.tolist() == two.latency.counts.tolist()


def test_window_ends_are_bin_edges() -> None:
    edges = bin_edges(10.0, 100.0, 0.5, 200, [(40.05, 60.05)], 1.0, 10.0, stop_every_s=0.9)
    for t in (10.0, 40.05, 60.05, 100.0, 100.0 - 0.1 * 90.0, *recovery_grid(60.05, 100.0, 1.0,
                                                                              10.0)):
        assert t in edges
    assert np.all(np.diff(edges) > 0)
