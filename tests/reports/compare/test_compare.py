"""Comparisons: paired and Welch intervals by hand, verdict directions, Holm correction."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asyncsim.reports.compare.differences import (
    MetricComparison,
    compare_strategies,
    compare_summaries,
    difference,
)
from tests.reports.summaries import summary


def test_paired_difference_by_hand() -> None:
    # diffs 1, 2, 3: mean 2, sd 1, se 1/sqrt(3), t = 2 sqrt(3) with 2 df.
    d = difference([1.0, 2.0, 3.0], [2.0, 4.0, 6.0])
    assert d.paired and d.n == 3
    assert d.delta == pytest.approx(2.0)
    t975 = 0.95 / math.sqrt(2 * 0.975 * 0.025)  # Student t, 2 df, closed form: 4.302653
    half = t975 / math.sqrt(3)
    assert (d.ci_low, d.ci_high) == (pytest.approx(2 - half), pytest.approx(2 + half))
    t = 2 * math.sqrt(3)
    assert d.p_value == pytest.approx(1 - t / math.sqrt(t * t + 2))  # t with 2 df, closed form


def test_welch_when_replication_counts_differ() -> None:
    d = difference([1.0, 2.0, 3.0], [4.0, 6.0])
    assert not d.paired
    assert d.delta == pytest.approx(5.0 - 2.0)
    # se^2 = 1/3 + 2/2; Welch df = (4/3)^2 / ((1/3)^2/2 + 1^2/1) = 1.6 -> floor 1
    se = math.sqrt(1 / 3 + 1)
    assert d.ci_high - d.delta == pytest.approx(12.7062 * se)


def test_identical_shift_is_exact_and_no_shift_is_no_change() -> None:
    shifted = difference([1.0, 2.0], [1.5, 2.5])
    assert (shifted.delta, shifted.ci_low, shifted.ci_high, shifted.p_value) == (0.5, 0.5, 0.5,
                                                                                  0.0)
    same = difference([3.0, 3.0], [3.0, 3.0])
    assert same.p_value == 1.0


def test_missing_values_are_dropped_pairwise() -> None:
    d = difference([1.0, None, 3.0, float("nan")], [2.0, 5.0, 4.0, 1.0])
    assert d.n == 2 and d.delta == pytest.approx(1.0)


def test_one_replication_is_inconclusive() -> None:
    a = summary({"s": {"error_rate": [0.1]}})
    b = summary({"s": {"error_rate": [0.5]}})
    (row,) = compare_summaries(a, b)
    assert row.verdict == "inconclusive" and not row.significant


def test_direction_comes_from_the_metric() -> None:
    a = summary({"s": {"error_rate": [0.10, 0.11, 0.12, 0.13],
                       "hit_rate": [0.90, 0.91, 0.92, 0.93],
                       "requests": [100, 101, 102, 103]}})
    b = summary({"s": {"error_rate": [0.20, 0.21, 0.22, 0.23],
                       "hit_rate": [0.95, 0.96, 0.97, 0.98],
                       "requests": [200, 201, 202, 203]}})
    rows = {r.key: r for r in compare_summaries(a, b)}
    assert rows["error_rate"].verdict == "worse"       # higher errors: lower is better
    assert rows["hit_rate"].verdict == "better"        # higher hits: higher is better
    assert rows["requests"].verdict == "changed"       # no direction
    assert rows["error_rate"].relative == pytest.approx(0.1 / 0.115)
    assert rows["hit_rate"].delta == pytest.approx(0.05)


def test_noise_is_no_significant_change() -> None:
    a = summary({"s": {"latency.p(99)": [1.0, 1.2, 0.9, 1.1]}})
    b = summary({"s": {"latency.p(99)": [1.1, 1.0, 1.0, 1.2]}})
    (row,) = compare_summaries(a, b)
    assert row.verdict == "no significant change"
    assert row.ci_low < 0 < row.ci_high


def test_holm_correction_holds_back_a_lone_borderline_result() -> None:
    # One metric with p ~ 0.03 alone is significant; among 10 metrics it is not.
    base, moved = [1.0, 2.0, 3.0, 4.0], [1.9, 2.5, 4.1, 4.6]
    lone = compare_summaries(summary({"s": {"error_rate": base}}),
                             summary({"s": {"error_rate": moved}}))
    assert lone[0].verdict == "worse"
    many_a = {"error_rate": base} | {f"latency.p({i})": [1.0, 2.0, 3.0, 4.0] for i in range(9)}
    many_b = {"error_rate": moved} | {f"latency.p({i})": [1.0, 2.5, 2.5, 4.0] for i in range(9)}
    rows = {r.key: r for r in compare_summaries(summary({"s": many_a}), summary({"s": many_b}))}
    assert rows["error_rate"].verdict == "no significant change"
    uncorrected = compare_summaries(summary({"s": many_a}), summary({"s": many_b}),
                                    correction="none")
    assert {r.key: r for r in uncorrected}["error_rate"].verdict == "worse"


def test_only_common_strategies_and_keys() -> None:
    a = summary({"s": {"error_rate": [0.1, 0.2]}, "only-a": {"error_rate": [0.1, 0.2]}})
    b = summary({"s": {"error_rate": [0.1, 0.2], "hit_rate": [0.5, 0.6]}})
    rows = compare_summaries(a, b)
    assert [(r.strategy, r.key) for r in rows] == [("s", "error_rate")]


def test_two_strategies_of_one_run_are_paired() -> None:
    run = summary({"ttl-60s": {"hit_rate": [0.80, 0.82, 0.79]},
                   "ttl-6s": {"hit_rate": [0.50, 0.53, 0.49]}})
    (row,) = compare_strategies(run, "ttl-60s", "ttl-6s")
    assert row.paired and row.strategy == "ttl-60s → ttl-6s"
    assert row.verdict == "worse" and row.delta == pytest.approx(-0.2966666, abs=1e-6)
    with pytest.raises(KeyError, match="no strategy 'nope'"):
        compare_strategies(run, "ttl-60s", "nope")


def _contradicts(row: MetricComparison) -> bool:
    excludes_zero = row.ci_low > 0 or row.ci_high < 0
    return excludes_zero == (row.verdict == "no significant change")


@given(st.lists(st.lists(st.floats(-5, 5), min_size=4, max_size=4), min_size=2,
                max_size=12),
       st.lists(st.floats(0, 3), min_size=4, max_size=4))
def test_interval_and_verdict_come_from_one_test(shifts: list[list[float]],
                                                 noise: list[float]) -> None:
    """Issue 14: a CI excluding 0 is never 'no significant change', and the reverse,
    whatever Holm's step-down does to the p-values."""
    a = {f"m{i}": [n * (j + 1) for j, n in enumerate(noise)] for i in range(len(shifts))}
    b = {f"m{i}": [x + d for x, d in zip(a[f"m{i}"], shift, strict=True)]
         for i, shift in enumerate(shifts)}
    side_a = {"strategies": {"s": {"values": {}, "replications": a}}}
    side_b = {"strategies": {"s": {"values": {}, "replications": b}}}
    for row in compare_summaries(side_a, side_b):
        if row.verdict == "inconclusive" or row.ci_low == row.ci_high:
            continue
        assert not _contradicts(row), row


def test_stale_rate_case_from_the_issue() -> None:
    """18.69% -> 6.63% with a clearly negative paired difference among many tests."""
    before = [0.18, 0.19, 0.185, 0.192]
    after = [0.06, 0.07, 0.065, 0.07]
    reps_a = {"stale_rate": before, **{f"x{i}": [1.0, 1.1, 0.9, 1.0] for i in range(30)}}
    reps_b = {"stale_rate": after, **{f"x{i}": [1.0, 1.2, 0.8, 1.05] for i in range(30)}}
    rows = compare_summaries({"strategies": {"s": {"values": {}, "replications": reps_a}}},
                             {"strategies": {"s": {"values": {}, "replications": reps_b}}})
    for row in rows:
        assert not _contradicts(row), row
    (stale,) = [r for r in rows if r.key == "stale_rate"]
    assert stale.verdict == "better" and stale.ci_high < 0
