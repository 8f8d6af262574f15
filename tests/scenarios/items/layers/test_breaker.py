"""Breaker, bulkhead, rate-limit and fallback layers as written in a scenario: presets
exactly as docs/library-defaults.md, overrides, and every bad setting located in the file."""

from __future__ import annotations

import math
import textwrap

import pytest

from asyncsim.scenarios.problems import Problem, ScenarioError
from asyncsim.sim.layers.breaker.layer import BreakerSpec
from asyncsim.sim.layers.fallback import FallbackSpec
from asyncsim.sim.outcome import Status
from tests.helpers import MINIMAL, scenario_from_yaml

HEADER = textwrap.dedent(MINIMAL).strip() + "\nstrategies:\n  s:\n"
"""The strategy's first layer item is on line len(HEADER lines) + 1."""
FIRST_LAYER_LINE = HEADER.count("\n") + 1
ALL = frozenset({Status.ERROR, Status.TIMEOUT, Status.REJECTED})


def layers(*items: str) -> list[object]:
    text = HEADER + "".join(f"    - {item}\n" for item in items)
    return [item.to_spec() for item in scenario_from_yaml(text).strategies["s"]]


def problems(*items: str) -> list[Problem]:
    text = HEADER + "".join(f"    - {item}\n" for item in items)
    with pytest.raises(ScenarioError) as exc:
        scenario_from_yaml(text)
    return exc.value.problems


def test_resilience4j_preset_matches_library_defaults_section_1_5() -> None:
    assert layers("breaker: {preset: resilience4j}") == [BreakerSpec(
        window="count", consecutive_failures=None, window_size=100, window_s=60.0,
        buckets=60, failure_rate_pct=50.0, slow_call_rate_pct=100.0, slow_call_s=60.0,
        minimum_calls=100, trip_above=False, open_s=60.0, open_multiplier=1.0,
        open_max_s=math.inf, open_jitter="none", half_open_calls=10, half_open_successes=1,
        half_open_max_wait_s=math.inf, half_open_reprobe=False, failure_statuses=ALL)]


def test_polly_preset_matches_library_defaults_section_1_6() -> None:
    assert layers("breaker: polly-8") == [BreakerSpec(
        window="time", consecutive_failures=None, window_size=100, window_s=30.0, buckets=10,
        failure_rate_pct=10.0, slow_call_rate_pct=None, minimum_calls=100, open_s=5.0,
        half_open_calls=1, half_open_reprobe=True, failure_statuses=ALL)]


def test_pybreaker_preset_matches_library_defaults_section_1_11() -> None:
    assert layers("breaker: pybreaker") == [BreakerSpec(
        window="consecutive", consecutive_failures=5, minimum_calls=100, open_s=60.0,
        half_open_calls=None, half_open_successes=1, buckets=60, failure_statuses=ALL)]


def test_finagle_preset_matches_library_defaults_section_1_9() -> None:
    assert layers("breaker: finagle") == [BreakerSpec(
        window="time", consecutive_failures=5, window_s=30.0, buckets=30,
        failure_rate_pct=20.0, trip_above=True, minimum_calls=5, open_s=5.0,
        open_multiplier=2.0, open_max_s=300.0, open_jitter="equal", half_open_calls=1,
        failure_statuses=ALL)]


def test_explicit_fields_override_the_preset() -> None:
    [spec] = layers("breaker: {preset: resilience4j, open_for: 10s, half_open_calls: 3, "
                    "failure_on: [error], scope: client}")
    assert isinstance(spec, BreakerSpec)
    assert (spec.open_s, spec.half_open_calls, spec.failure_statuses, spec.scope) == (
        10.0, 3, frozenset({Status.ERROR}), "client")
    assert (spec.window, spec.window_size, spec.minimum_calls) == ("count", 100, 100)


def test_without_a_preset_a_breaker_counts_five_consecutive_failures() -> None:
    [spec] = layers("breaker: {}")
    assert isinstance(spec, BreakerSpec)
    assert (spec.window, spec.consecutive_failures, spec.open_s, spec.half_open_calls) == (
        "consecutive", 5, 60.0, 1)
    [windowed] = layers("breaker: {window: time, window_duration: 20s}")
    assert isinstance(windowed, BreakerSpec)
    assert (windowed.consecutive_failures, windowed.buckets, windowed.failure_rate_pct) == (
        None, 20, 50.0)


def test_fallback_shorthand_and_defaults() -> None:
    assert layers("fallback: last_good") == [FallbackSpec("last_good")]
    [spec] = layers("fallback: {on: [timeout]}")
    assert spec == FallbackSpec("static", frozenset({Status.TIMEOUT}))


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("item", "col", "path", "message"), [
    ("breaker: {half_open_calls: 0}", 34, "breaker.half_open_calls",
     "0 calls would never let a probe through"),
    ("breaker: {half_open_calls: many}", 34, "breaker.half_open_calls",
     "'many' is not allowed"),
    ("breaker: {window: count, failure_rate_threshold: 0}", 56,
     "breaker.failure_rate_threshold", "greater than 0"),
    ("breaker: {window: count, failure_rate_threshold: 150}", 56,
     "breaker.failure_rate_threshold", "less than or equal to 100"),
    ("breaker: {window: count, minimum_calls: 0}", 47, "breaker.minimum_calls",
     "greater than 0"),
    ("breaker: {window: count, window_size: 0}", 45, "breaker.window_size", "greater than 0"),
    ("breaker: {window: time, window_duration: 0s}", 48, "breaker.window_duration",
     "greater than 0"),
    ("breaker: {preset: hystrix}", 25, "breaker.preset", "'hystrix' is not allowed"),
    ("bulkhead: {max_concurrent: 0}", 34, "bulkhead.max_concurrent", "greater than 0"),
    ("ratelimit: {rate: 0/s}", 25, "ratelimit.rate", "greater than 0"),
    ("ratelimit: {rate: 5}", 25, "ratelimit.rate", "has no unit"),
])
def test_invalid_settings_are_located(item: str, col: int, path: str, message: str) -> None:
    [problem] = problems(item)
    assert (problem.line, problem.col) == (FIRST_LAYER_LINE, col)
    assert problem.path == f"strategies.s.0.{path}"
    assert message in problem.message


@pytest.mark.parametrize(("item", "col", "field", "message"), [
    ("breaker: {slow_call_duration: 2s}", 37, "slow_call_duration",
     "applies to a count or time window"),
    ("breaker: {preset: resilience4j, buckets: 4}", 48, "buckets",
     "does not apply to a count window"),
    ("breaker: {preset: pybreaker, failure_rate_threshold: 5}", 60,
     "failure_rate_threshold", "applies to a count or time window"),
    ("breaker: {open_for: 10s, open_max: 5s}", 42, "open_max",
     "open_max (5s) is shorter than open_for (10s)"),
    ("breaker: {half_open_successes: 2}", 38, "half_open_successes",
     "could never close"),
    ("breaker: {window: count, slow_call_rate_threshold: 50}", 58,
     "slow_call_rate_threshold", "needs slow_call_duration"),
    ("bulkhead: {max_concurrent: 4, max_queue: 10}", 48, "max_queue",
     "no call would ever wait with max_wait 0"),
])
def test_contradictions_are_located_at_the_field(item: str, col: int, field: str,
                                                 message: str) -> None:
    [problem] = problems(item)
    assert (problem.line, problem.col) == (FIRST_LAYER_LINE, col)
    assert problem.path.endswith(f".{field}")
    assert message in problem.message


def test_a_contradiction_with_the_preset_points_at_the_field_written() -> None:
    [problem] = problems("breaker: {preset: finagle, open_for: 400s}")
    assert problem.path == "strategies.s.0.breaker.open_for"
    assert "open_max (300s) is shorter than open_for (400s)" in problem.message


def test_every_problem_is_reported_at_once() -> None:
    found = problems("breaker: {half_open_calls: 0, minimum_calls: 0}",
                     "bulkhead: {max_concurrent: 0}")
    assert [p.path.rsplit(".", 1)[1] for p in found] == [
        "half_open_calls", "minimum_calls", "max_concurrent"]
