"""Thresholds in k6's grammar: every aggregation, operator, unit and tag, and bad input.

Evaluation runs on hand-written summaries, so every expected verdict is written here,
not computed by the code under test.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asyncsim.lang.thresholds import (
    ThresholdError,
    parse_expression,
    parse_target,
    parse_threshold,
    split_cli_threshold,
)
from asyncsim.reports.gates.thresholds import Stop, evaluate, extra_percentiles
from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.reports.metrics.registry import Metric

KNOWN = {"strategy": ["fast", "slow"], "backend": ["api"]}


def entry(mean: float) -> dict[str, float]:
    return {"mean": mean, "ci95_low": mean, "ci95_high": mean}


def summary(**per_strategy: dict[str, Any]) -> dict[str, Any]:
    """A summary.json with the given values per strategy (two replications of each)."""
    return {"scenario": {"name": "t", "duration_s": 110.0, "warmup_s": 10.0,
                         "replications": 2},
            "strategies": {name: {"values": {k: entry(v) for k, v in values.items()},
                                  "replications": {k: [v, v] for k, v in values.items()}}
                           for name, values in per_strategy.items()}}


FAST = {"latency.avg": 0.050, "latency.min": 0.001, "latency.med": 0.040,
        "latency.max": 0.900, "latency.p(95)": 0.200, "latency.p(99)": 0.300,
        "latency.p(99.99)": 0.850, "error_rate": 0.004, "requests": 2000.0,
        "backend_calls": 3000.0, "backend_calls{backend:api}": 3000.0, "throughput": 20.0,
        "backend_utilisation{backend:api}": 0.5, "errors_by_kind{kind:timeout}": 0.002}
SLOW = {**FAST, "latency.p(99)": 0.600, "error_rate": 0.03}


def verdicts(target: str, expression: str, **per_strategy: dict[str, Any]) -> dict[str, bool]:
    threshold = parse_threshold(target, expression, REGISTRY, KNOWN)
    return {r.strategy: r.ok for r in evaluate([threshold], summary(**per_strategy))}


# ----------------------------------------------------------------------------- aggregations


@pytest.mark.parametrize(("target", "expression", "passes"), [
    ("latency", "avg < 60ms", True),
    ("latency", "avg < 40ms", False),
    ("latency", "min >= 1ms", True),
    ("latency", "med == 40ms", True),
    ("latency", "max < 1s", True),
    ("latency", "max < 800ms", False),
    ("latency", "p(95) <= 200ms", True),
    ("latency", "p(99) < 300ms", False),
    ("latency", "p(99.99) < 900ms", True),          # any N: read from latency.p(99.99)
    ("error_rate", "rate < 0.005", True),
    ("error_rate", "rate < 0.3%", False),
    ("requests", "count > 1999", True),
    ("requests", "count != 2000", False),
    ("requests", "rate == 20", True),                # 2000 requests / 100 s window
    ("backend_calls", "rate > 31/s", False),         # 30/s
    ("backend_calls", "rate >= 1800/min", True),
    ("throughput", "value >= 20", True),
    ("backend_utilisation{backend:api}", "value < 50%", False),
    ("errors_by_kind{kind:timeout}", "rate <= 0.2%", True),
])
def test_every_aggregation_reads_its_value(target: str, expression: str, passes: bool) -> None:
    assert verdicts(target, expression, fast=FAST) == {"fast": passes}


@pytest.mark.parametrize(("op", "expected"), [
    # observed 0.3 s against limits 200 ms, 300 ms, 400 ms
    ("<", (False, False, True)),
    ("<=", (False, True, True)),
    (">", (True, False, False)),
    (">=", (True, True, False)),
    ("==", (False, True, False)),
    ("===", (False, True, False)),
    ("!=", (True, False, True)),
])
def test_every_operator(op: str, expected: tuple[bool, bool, bool]) -> None:
    got = tuple(verdicts("latency", f"p(99) {op} {limit}", fast=FAST)["fast"]
                for limit in ("200ms", "300ms", "400ms"))
    assert got == expected


def test_equality_allows_float_rounding_of_simulated_times() -> None:
    cut = {**FAST, "latency.p(99)": 0.30000000000001137}  # a 300 ms timeout, as measured
    assert verdicts("latency", "p(99) <= 300ms", fast=cut) == {"fast": True}
    assert verdicts("latency", "p(99) < 300ms", fast=cut) == {"fast": False}
    assert verdicts("latency", "p(99) == 300ms", fast=cut) == {"fast": True}
    assert verdicts("latency", "p(99) <= 299.99ms", fast=cut) == {"fast": False}


@given(st.floats(0.001, 1e4), st.floats(0.001, 1e4),
       st.sampled_from(["<", "<=", ">", ">=", "!="]))
def test_operators_agree_with_python_away_from_equality(
        observed_ms: float, limit_ms: float, op: str) -> None:
    python = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
              "!=": operator.ne}[op]
    threshold = parse_threshold("latency", f"avg {op} {limit_ms!r}ms", REGISTRY)
    if not math.isclose(observed_ms, limit_ms, rel_tol=1e-6):
        assert threshold.passes(observed_ms / 1e3) == python(observed_ms, limit_ms)


# ----------------------------------------------------------------------------- units


@pytest.mark.parametrize(("expression", "limit"), [
    ("p(99) < 300ms", 0.3), ("p(99) < 1.5s", 1.5), ("p(99)<250us", 250e-6),
    ("avg < 2m", 120.0), ("avg < 1min", 60.0), ("max < 1h", 3600.0),
])
def test_time_values_carry_units(expression: str, limit: float) -> None:
    assert parse_expression(expression, REGISTRY["latency"]).limit == pytest.approx(limit)


@pytest.mark.parametrize(("metric", "expression", "limit"), [
    ("error_rate", "rate < 1%", 0.01), ("error_rate", "rate < 0.01", 0.01),
    ("error_rate", "rate < 2.5 %", 0.025), ("backend_utilisation", "value < 80%", 0.8),
    ("requests", "count > 100", 100.0), ("requests", "rate > 50/s", 50.0),
    ("requests", "rate > 3000/min", 50.0), ("requests", "rate > 1/10s", 0.1),
    ("requests", "rate > 12.5", 12.5), ("queue_wait", "value < 20ms", 0.02),
    ("throughput", "value >= 1e3", 1000.0),
])
def test_other_values_and_their_units(metric: str, expression: str, limit: float) -> None:
    assert parse_expression(expression, REGISTRY[metric]).limit == pytest.approx(limit)


# ----------------------------------------------------------------------------- tags


def test_strategy_tag_selects_one_strategy() -> None:
    assert verdicts("latency{strategy:slow}", "p(99) < 500ms", fast=FAST, slow=SLOW) == {
        "slow": False}


def test_without_strategy_tag_each_strategy_is_judged_and_the_failing_one_named() -> None:
    assert verdicts("latency", "p(99) < 500ms", fast=FAST, slow=SLOW) == {
        "fast": True, "slow": False}
    assert verdicts("error_rate", "rate < 1%", fast=FAST, slow=SLOW) == {
        "fast": True, "slow": False}


def test_backend_tag_reads_the_tagged_value_and_strategy_tag_combines() -> None:
    threshold = parse_threshold("backend_calls{backend:api, strategy:fast}", "count < 5000",
                                REGISTRY, KNOWN)
    assert threshold.key == "backend_calls{backend:api}"
    assert threshold.target.strategy == "fast"
    assert threshold.target.text == "backend_calls{strategy:fast,backend:api}"


def test_missing_value_fails_with_a_note() -> None:
    threshold = parse_threshold("latency", "p(97) < 1s", REGISTRY)  # not computed in this summary
    [result] = evaluate([threshold], summary(fast=FAST))
    assert not result.ok and result.observed is None
    assert "no value for latency.p(97)" in result.note


def test_nan_value_fails() -> None:
    [result] = evaluate([parse_threshold("error_rate", "rate < 1", REGISTRY)],
                        summary(fast={**FAST, "error_rate": math.nan}))
    assert not result.ok


def test_a_threshold_that_stopped_a_run_fails_whatever_the_final_value() -> None:
    threshold = parse_threshold("latency", "p(99) < 1s", REGISTRY)
    stop = Stop("fast", 1, 42.5, threshold.text)
    results = evaluate([threshold], summary(fast=FAST, slow=SLOW), [stop])
    assert [(r.strategy, r.ok) for r in results] == [("fast", False), ("slow", True)]
    assert "at 42.5s of 110s simulated" in results[0].note


def test_counter_rate_uses_each_replication_window_when_a_run_stopped_early() -> None:
    # requests [2000, 2000]; replication 0 stopped at 60 s: windows 50 s and 100 s.
    threshold = parse_threshold("requests", "rate > 0", REGISTRY)
    [result] = evaluate([threshold], summary(fast=FAST),
                        [Stop("fast", 0, 60.0, "another threshold")])
    assert result.observed == pytest.approx((2000 / 50 + 2000 / 100) / 2)


def test_extra_percentiles_are_those_the_summary_lacks() -> None:
    thresholds = [parse_threshold("latency", e, REGISTRY) for e in
                  ("p(99) < 1s", "p(97.5) < 1s", "p(50) < 1s", "avg < 1s")]
    assert extra_percentiles(thresholds) == (50.0, 97.5)


def test_cli_form_splits_at_the_first_colon_outside_braces() -> None:
    assert split_cli_threshold("latency{strategy:swr}: p(99) < 300ms") == (
        "latency{strategy:swr}", " p(99) < 300ms", 22)


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("target", "expression", "part", "offset", "message"), [
    ("latncy", "avg < 1s", "target", 0, "unknown metric 'latncy' (did you mean 'latency'?)"),
    ("", "avg < 1s", "target", 0, "expected a metric name"),
    ("latency{backend:api}", "avg < 1s", "target", 8,
     "latency has no tag 'backend' (allowed: strategy, class)"),
    ("latency{strategy:swr}", "avg < 1s", "target", 17, "unknown strategy 'swr'"),
    ("backend_calls{backend:db}", "count < 1", "target", 22, "unknown backend 'db'"),
    ("latency{strategy}", "avg < 1s", "target", 8, "expected tag:value"),
    ("latency{strategy:fast", "avg < 1s", "target", 7, "unclosed '{'"),
    ("latency{strategy:fast,strategy:slow}", "avg < 1s", "target", 22, "given twice"),
    ("latency} x", "avg < 1s", "target", 7, "unexpected '} x'"),
    ("latency", "", "expression", 0, "expected an aggregation"),
    ("latency", "p99 < 1s", "expression", 0, "write p(99), not p99"),
    ("latency", "mean < 1s", "expression", 0, "unknown aggregation 'mean' for trend latency"),
    ("latency", "rate < 1s", "expression", 0, "rate does not apply to trend latency"),
    ("error_rate", "avg < 1", "expression", 0, "avg does not apply to rate error_rate"),
    ("requests", "value < 1", "expression", 0, "allowed: count, rate"),
    ("throughput", "count < 1", "expression", 0, "allowed: value"),
    ("latency", "p(101) < 1s", "expression", 2, "p(N) needs 0 <= N <= 100, got 101"),
    ("latency", "p(-1) < 1s", "expression", 2, "p(N) needs 0 <= N <= 100"),
    ("latency", "p(nan) < 1s", "expression", 2, "p(N) needs 0 <= N <= 100"),
    ("latency", "p(x) < 1s", "expression", 2, "p(N) needs a number N, got 'x'"),
    ("latency", "p(99.1234567) < 1s", "expression", 2, "too many digits"),
    ("queue_wait", "p(99) < 1s", "expression", 0, "value"),
    ("latency", "p(99) 1s", "expression", 6, "expected an operator"),
    ("latency", "p(99) = 1s", "expression", 6, "write == to compare, not ="),
    ("latency", "p(99) <", "expression", 7, "expected a value after '<'"),
    ("latency", "p(99) << 1s", "expression", 7, "expected a value after '<', got '< '"),
    ("latency", "p(99) < 300", "expression", 8, "300 has no unit: write 300ms or 300s"),
    ("latency", "p(99) < 3 parsecs", "expression", 8, "is not a duration"),
    ("error_rate", "rate < 1ms", "expression", 7, "is not a number or a percentage"),
    ("requests", "count < 5%", "expression", 8, "'5%' is not a number"),
    ("requests", "rate < fast", "expression", 7, "is not a rate"),
])
def test_malformed_thresholds_name_the_place(target: str, expression: str, part: str,
                                             offset: int, message: str) -> None:
    with pytest.raises(ThresholdError) as caught:
        parse_threshold(target, expression, REGISTRY, KNOWN)
    assert caught.value.part == part
    assert caught.value.offset == offset
    assert message in caught.value.message


def test_at_most_one_tag_besides_strategy(monkeypatch: pytest.MonkeyPatch) -> None:
    two_tags = Metric("two_tags", "gauge", "1", "none", "a test metric", lambda view: {},
                      tags=("backend", "kind"))
    monkeypatch.setitem(REGISTRY, "two_tags", two_tags)
    assert parse_target("two_tags{backend:api,strategy:fast}", REGISTRY, KNOWN).tag == "backend:api"
    with pytest.raises(ThresholdError, match="at most one tag besides strategy"):
        parse_target("two_tags{backend:api,kind:x}", REGISTRY, KNOWN)


def test_other_trend_metrics_have_only_the_standard_percentiles(
        monkeypatch: pytest.MonkeyPatch) -> None:
    staleness = Metric("staleness", "trend", "s", "lower", "a test trend", lambda view: {})
    monkeypatch.setitem(REGISTRY, "staleness", staleness)
    assert parse_threshold("staleness", "p(99.9) < 1s", REGISTRY).key == "staleness.p(99.9)"
    with pytest.raises(ThresholdError, match=r"staleness has only p\(90\), p\(95\), "
                                             r"p\(99\), p\(99.9\) \(any p\(N\) works for "
                                             r"latency\)"):
        parse_threshold("staleness", "p(97) < 1s", REGISTRY)


def test_cli_form_without_a_colon() -> None:
    with pytest.raises(ThresholdError, match="expected 'metric: expression'"):
        split_cli_threshold("latency p(99) < 1s")
