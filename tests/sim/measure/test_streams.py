"""A value stream's summary does not depend on where its chunks were folded, and is exact
where it claims to be (count, sum, mean, extremes) and within the histogram's error
elsewhere (percentiles)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncsim.sim.measure.histogram import RELATIVE_ERROR
from asyncsim.sim.measure.streams import ValueStream, ValueSummary

VALUES = st.lists(st.floats(0.0, 1e4, allow_nan=False, allow_infinity=False), min_size=1,
                  max_size=200)


@settings(max_examples=60, deadline=None)
@given(VALUES, st.lists(st.integers(0, 200), max_size=6))
def test_the_summary_is_the_same_however_the_values_were_folded(
        values: list[float], folds: list[int]) -> None:
    stream = ValueStream(keep=True)
    for i, value in enumerate(values):
        if i in folds:
            stream.fold()
        stream.append(value)
    got, once = stream.summary(), ValueSummary.of(np.array(values), keep=True)
    assert (got.count, got.total, got.min, got.max) == (once.count, once.total, once.min,
                                                        once.max)
    assert np.array_equal(got.histogram.buckets, once.histogram.buckets)
    assert np.array_equal(got.histogram.counts, once.histogram.counts)
    assert got.samples is not None and got.samples.tolist() == values


@settings(max_examples=60, deadline=None)
@given(VALUES)
def test_exact_count_sum_mean_and_extremes_and_bounded_percentiles(values: list[float]) -> None:
    summary = ValueSummary.of(np.array(values))
    exact = sum(Fraction(v) for v in values)
    assert summary.count == len(values)
    assert summary.mean == float(exact / len(values))
    assert summary.sum == float(exact)
    assert (summary.min, summary.max) == (min(values), max(values))
    assert summary.samples is None          # not kept unless asked
    ps = [0.0, 50.0, 90.0, 99.0, 100.0]
    want = np.percentile(np.array(values), ps)
    got = np.array(summary.histogram.percentiles(ps))
    assert np.all(np.abs(got - want) <= RELATIVE_ERROR * (1 + 1e-9) * want)


def test_an_empty_stream_says_nan_not_zero() -> None:
    summary = ValueStream().summary()
    assert summary.count == 0 and summary.sum == 0.0
    assert all(np.isnan(v) for v in (summary.mean, summary.min, summary.max))
