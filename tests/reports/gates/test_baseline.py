"""Baseline gates: pytest-benchmark's grammar, direction from the registry, and the rule
that a regression must be both beyond the tolerance and significant."""

from __future__ import annotations

import math
from typing import Any

import pytest

from asyncsim.lang.thresholds import ThresholdError
from asyncsim.reports.gates.baseline import Comparison, compare, parse_compare_fail
from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.reports.metrics.registry import Metric
from asyncsim.sim.measure.histogram import RELATIVE_ERROR
from tests.helpers import run_yaml

# ----------------------------------------------------------------------------- grammar


@pytest.mark.parametrize(("text", "key", "direction", "tolerance", "relative", "allowed"), [
    ("p99:5%", "latency.p(99)", "up", 0.05, True, "+5%"),
    ("p(99.9):10%", "latency.p(99.9)", "up", 0.10, True, "+10%"),
    ("p99.9:10%", "latency.p(99.9)", "up", 0.10, True, "+10%"),
    ("mean:0.010", "latency.avg", "up", 0.010, False, "+10ms"),
    ("median:20ms", "latency.med", "up", 0.020, False, "+20ms"),
    ("max:+1s", "latency.max", "up", 1.0, False, "+1000ms"),
    ("latency.p(99):5%", "latency.p(99)", "up", 0.05, True, "+5%"),
    ("latency.p95:5%", "latency.p(95)", "up", 0.05, True, "+5%"),
    ("latency{strategy:b}.min:1%", "latency.min", "up", 0.01, True, "+1%"),
    ("error_rate:0.02", "error_rate", "up", 0.02, False, "+0.02"),
    ("success_rate:-0.02", "success_rate", "down", 0.02, False, "-0.02"),
    ("success_rate:3%", "success_rate", "down", 0.03, True, "-3%"),
    ("backend_calls{backend:api}:+3%", "backend_calls{backend:api}", "up", 0.03, True, "+3%"),
    ("throughput:5%", "throughput", "both", 0.05, True, "±5%"),
    ("throughput:-5%", "throughput", "down", 0.05, True, "-5%"),
    ("requests:+100", "requests", "up", 100.0, False, "+100"),
])
def test_stat_and_tolerance_grammar(text: str, key: str, direction: str, tolerance: float,
                                    relative: bool, allowed: str) -> None:
    gate = parse_compare_fail(text)
    assert (gate.key, gate.direction, gate.relative, gate.allowed) == (
        key, direction, relative, allowed)
    assert gate.tolerance == pytest.approx(tolerance)


def test_strategy_tag_restricts_the_gate() -> None:
    gate = parse_compare_fail("latency{strategy:b}.p99:5%")
    assert gate.applies_to("b") and not gate.applies_to("a")


@pytest.mark.parametrize(("text", "offset", "message"), [
    ("p99", 3, "expected STAT:TOLERANCE"),
    ("latency:5%", 7, "latency needs a statistic, e.g. latency.p(99)"),
    ("latency.foo:5%", 8, "unknown statistic 'foo'"),
    ("error_rate.avg:1%", 11, "error_rate is a rate: write just error_rate"),
    ("latncy.p99:5%", 0, "unknown metric 'latncy' (did you mean 'latency'?)"),
    ("p99:abc", 4, "expected a tolerance like 5% or 0.02"),
    ("p99:5 parsecs", 4, "is not a duration"),
    ("error_rate:2ms", 11, "error_rate takes a bare number or N%"),
    ("error_rate:-0.02", 11, "lower is better, so a regression is an increase"),
    ("success_rate:+0.02", 13, "higher is better, so a regression is a decrease"),
    ("queue_wait{backend:api}.p99:1%", 24, "queue_wait is a gauge: write just queue_wait"),
])
def test_malformed_rules_name_the_place(text: str, offset: int, message: str) -> None:
    with pytest.raises(ThresholdError) as caught:
        parse_compare_fail(text)
    assert caught.value.offset == offset
    assert message in caught.value.message


def test_other_trend_metrics_have_only_the_standard_percentiles(
        monkeypatch: pytest.MonkeyPatch) -> None:
    staleness = Metric("staleness", "trend", "s", "lower", "a test trend", lambda view: {})
    monkeypatch.setitem(REGISTRY, "staleness", staleness)
    assert parse_compare_fail("staleness.p99.9:5%").key == "staleness.p(99.9)"
    with pytest.raises(ThresholdError,
                       match=r"staleness has only p\(90\), p\(95\), p\(99\), p\(99.9\)"):
        parse_compare_fail("staleness.p97:5%")


# ----------------------------------------------------------------------------- statistics


def summary(seed: int, **values: list[float | None]) -> dict[str, Any]:
    """One strategy 's' with the given per-replication values."""
    return {"scenario": {"name": "t", "seed": seed},
            "strategies": {"s": {"replications": values, "values": {}}}}


def one(rule: str, current: dict[str, Any], baseline: dict[str, Any]) -> Comparison:
    [comparison] = compare([parse_compare_fail(rule)], current, baseline)
    return comparison


def test_paired_t_on_the_same_seed() -> None:
    # diffs 1, 1, 1, 2: mean 1.25, sd 0.5, se 0.25, t 5 > t(3) 3.1824.
    c = one("mean:10%", summary(1, **{"latency.avg": [2.0, 3.0, 4.0, 6.0]}),
            summary(1, **{"latency.avg": [1.0, 2.0, 3.0, 4.0]}))
    assert c.test == "paired t" and c.significant and c.regressed
    assert c.change == pytest.approx(1.25)
    assert c.ci95 == pytest.approx((1.25 - 3.1824 * 0.25, 1.25 + 3.1824 * 0.25))


def test_pairs_skip_replications_without_a_value() -> None:
    # Replication 2 of the baseline had no value (null): pairs 0, 1, 3 give diffs 1, 1, 2:
    # sd sqrt(1/3), se 1/3, t 4 < t(2) 4.3027.
    c = one("mean:10%", summary(1, **{"latency.avg": [2.0, 3.0, 5.0, 6.0]}),
            summary(1, **{"latency.avg": [1.0, 2.0, None, 4.0]}))
    assert c.test == "paired t" and not c.significant
    assert c.ci95 is not None
    assert c.ci95[1] - c.ci95[0] == pytest.approx(2 * 4.3027 / 3)


def test_welch_t_on_different_seeds() -> None:
    # current mean 4, var 4; baseline mean 2, var 1; n = 3 each: se^2 = 4/3 + 1/3 = 5/3,
    # t = 2 / 1.29099 = 1.549; df = (5/3)^2 / ((4/3)^2/2 + (1/3)^2/2) = 2.94 -> 2,
    # t(2) = 4.3027: not significant, although the mean doubled.
    c = one("mean:10%", summary(2, **{"latency.avg": [2.0, 4.0, 6.0]}),
            summary(1, **{"latency.avg": [1.0, 2.0, 3.0]}))
    assert c.test == "Welch t" and not c.significant and not c.regressed
    se = math.sqrt(5 / 3)
    assert c.ci95 == pytest.approx((2 - 4.3027 * se, 2 + 4.3027 * se))
    assert "within the noise" in c.note


def test_one_replication_is_judged_by_the_tolerance_alone() -> None:
    worse = one("p99:5%", summary(1, **{"latency.p(99)": [1.06]}),
                summary(1, **{"latency.p(99)": [1.0]}))
    within = one("p99:5%", summary(1, **{"latency.p(99)": [1.04]}),
                 summary(1, **{"latency.p(99)": [1.0]}))
    assert worse.test == "tolerance only" and worse.regressed
    assert not within.regressed


def test_direction_from_the_registry() -> None:
    base = summary(1, success_rate=[0.99, 0.98, 0.99, 0.98])
    dropped = summary(1, success_rate=[0.95, 0.95, 0.96, 0.95])
    risen = summary(1, success_rate=[0.999, 0.999, 0.998, 0.999])
    assert one("success_rate:-0.02", dropped, base).regressed
    assert not one("success_rate:-0.02", risen, base).regressed   # better, not worse
    calls = summary(1, backend_calls=[100.0, 101.0, 99.0, 100.0])
    fewer = summary(1, backend_calls=[80.0, 81.0, 79.0, 80.0])
    assert not one("backend_calls:5%", fewer, calls).regressed    # fewer calls is better
    assert one("backend_calls:5%", calls, fewer).regressed


def test_no_direction_fails_either_way_unless_a_sign_picks_one() -> None:
    base = summary(1, throughput=[10.0, 10.1, 9.9, 10.0])
    up = summary(1, throughput=[12.0, 12.1, 11.9, 12.1])
    assert one("throughput:5%", up, base).regressed
    assert one("throughput:5%", base, up).regressed
    assert one("throughput:+5%", up, base).regressed
    assert not one("throughput:-5%", up, base).regressed


def test_missing_values_are_skipped_not_passed() -> None:
    base = summary(1, **{"latency.p(99)": [1.0, 1.0]})
    current = {"scenario": {"seed": 1}, "strategies": {
        "s": {"replications": {}, "values": {}},
        "new": {"replications": {"latency.p(99)": [1.0, 1.0]}, "values": {}}}}
    found = {c.strategy: c for c in compare([parse_compare_fail("p99:5%")], current, base)}
    assert found["new"].skipped and found["new"].note == "the baseline has no such strategy"
    assert found["s"].skipped and "no value for latency.p(99) in this run" in found["s"].note
    assert not any(c.regressed for c in found.values())


# ----------------------------------------------------------------------------- simulated

# No queueing (64 workers at 8% utilisation): latency is the service time, so scaling the
# lognormal's median and p99 by 1.1 makes every latency, and p(99), exactly 10% larger
# under the same seed (the same normal draws).
SCENARIO = """
version: 1
name: regression
seed: {seed}
duration: 60s
warmup: 5s
replications: 5
backends:
  api:
    workers: 64
    latency: {{lognormal: {{median: {median}ms, p99: {p99}ms}}}}
workload:
  target: api
  arrivals: {{poisson: 100/s}}
"""


def simulate(seed: int = 1, scale: float = 1.0) -> dict[str, Any]:
    return run_yaml(SCENARIO.format(seed=seed, median=80 * scale, p99=400 * scale)).summary


@pytest.fixture(scope="module")
def baseline() -> dict[str, Any]:
    return simulate()


def test_a_10_percent_p99_regression_is_detected_at_a_fixed_seed(
        baseline: dict[str, Any]) -> None:
    c = one("p99:5%", simulate(scale=1.1), baseline)
    assert c.test == "paired t" and c.significant and c.regressed
    # each p99 comes from a histogram, within RELATIVE_ERROR of the exact one; their ratio
    # 1.1 is then within (1 + a) / (1 - a) of exact: the documented error is the tolerance
    spread = 1.1 * ((1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR) - 1)
    assert c.relative_change == pytest.approx(0.10, abs=spread * (1 + 1e-9))


def test_a_significant_change_within_the_tolerance_passes(baseline: dict[str, Any]) -> None:
    c = one("p99:5%", simulate(scale=1.01), baseline)
    assert c.significant and not c.regressed


@pytest.mark.parametrize("seed", [2, 3, 4])
def test_seed_to_seed_noise_is_not_a_regression(baseline: dict[str, Any], seed: int) -> None:
    # Same configuration, another seed: p(99) of 5 x 5,500 requests moves by ~1-3%.
    c = one("p99:5%", simulate(seed=seed), baseline)
    assert c.test == "Welch t" and not c.regressed


def test_noise_beyond_a_tight_tolerance_is_still_not_a_regression(
        baseline: dict[str, Any]) -> None:
    # Seed 2 moves p(99) by more than 1%, but not significantly given the replications.
    c = one("p99:1%", simulate(seed=2), baseline)
    assert c.relative_change is not None and c.relative_change > 0.01
    assert not c.significant and not c.regressed
