"""Rates per second beside counts: each ``<counter>_per_s`` value is its counter's value
over the measured window (duration - warm-up), tag by tag, and absent where it is."""

from __future__ import annotations

import pytest

from asyncsim.reports.metrics.catalog import RATED, REGISTRY
from tests.helpers import run_yaml

SCENARIO = """
version: 1
name: rates
seed: 4
duration: 50s
warmup: 10s
backends:
  api:
    workers: 2
    queue_limit: 3
    latency: {exponential: 50ms}
    errors: {rate: 0.3}
    queue: {max_in_system: 4}
workload:
  target: api
  arrivals: {poisson: 60/s}
strategies:
  retry:
    - retry: {max_attempts: 3, backoff: none, budget: {percent: 10, min_per_s: 1/s}}
  breaker:
    - breaker: resilience4j
  throttle:
    - throttle: sre
"""


def test_each_rate_is_its_count_over_the_window() -> None:
    summary = run_yaml(SCENARIO).summary["strategies"]
    window_s = 40.0
    checked = 0
    for strategy in summary.values():
        values = strategy["values"]
        for key, entry in values.items():
            name = key.split("{")[0]
            if name not in RATED:
                continue
            rate_key = key.replace(name, f"{name}_per_s", 1)
            assert values[rate_key]["mean"] == pytest.approx(entry["mean"] / window_s)
            checked += entry["mean"] > 0
        assert not any(k.split("{")[0].endswith("_per_s") and k.replace("_per_s", "", 1)
                       not in values for k in values)
    assert checked >= 6       # retries, denied, rejected, shed, short_circuited, transitions


def test_a_rate_has_its_counters_unit_per_second_and_follows_it() -> None:
    names = list(REGISTRY)
    for name in RATED:
        rate = REGISTRY[f"{name}_per_s"]
        assert rate.unit == f"{REGISTRY[name].unit}/s" and rate.tags == REGISTRY[name].tags
        assert names.index(rate.name) == names.index(name) + 1
