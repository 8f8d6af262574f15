"""Contradictions between the fields of breaker and bulkhead layers, each reported at the
field to fix (``semantic_problems`` adds them to the scenario's problems).

The checks run on the resolved values (defaults, then preset, then the scenario), so a
field that contradicts its preset is caught too; the problem points at the field the
scenario wrote, or at ``preset`` when the contradiction comes from it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from asyncsim.scenarios.breaker_layers import BreakerConfig, BulkheadConfig
from asyncsim.scenarios.models import Scenario

Loc = tuple[str | int, ...]
RATE_FIELDS = ("failure_rate_threshold", "slow_call_rate_threshold", "slow_call_duration",
               "minimum_calls", "trip_when")
COUNT_FIELDS = ("window_size",)
TIME_FIELDS = ("window_duration", "buckets")


def layer_problems(scenario: Scenario) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    for name, items in scenario.strategies.items():
        for index, item in enumerate(items):
            if item.breaker is not None:
                base: Loc = ("strategies", name, index, "breaker")
                problems += [((*base, field), message)
                             for field, message in breaker_problems(item.breaker)]
            if item.bulkhead is not None:
                base = ("strategies", name, index, "bulkhead")
                problems += [((*base, field), message)
                             for field, message in bulkhead_problems(item.bulkhead)]
    return problems


def _blame(config: BreakerConfig | BulkheadConfig, *fields: str) -> str:
    """The first of ``fields`` the scenario wrote, else ``preset``."""
    return next((f for f in fields if f in config.model_fields_set), "preset")


def breaker_problems(config: BreakerConfig) -> Iterator[tuple[str, str]]:
    v = config.resolved()
    written = config.model_fields_set
    window = v["window"]
    if window == "consecutive":
        for field in (*RATE_FIELDS, *COUNT_FIELDS, *TIME_FIELDS):
            if field in written:
                yield field, (f"{field} applies to a count or time window, but this breaker "
                              "trips on consecutive failures (set window: count or time)")
        if v["consecutive_failures"] is None:
            yield _blame(config, "consecutive_failures", "window"), (
                "a consecutive-failure breaker needs consecutive_failures (e.g. 5)")
    for field in COUNT_FIELDS if window == "time" else TIME_FIELDS if window == "count" else ():
        if field in written:
            yield field, f"{field} does not apply to a {window} window"
    if window != "consecutive":
        slow_rate, slow_s = v["slow_call_rate_threshold"], v["slow_call_duration"]
        if slow_rate is not None and slow_s == math.inf:
            yield _blame(config, "slow_call_rate_threshold"), (
                "a slow-call rate needs slow_call_duration (how long a slow call takes)")
        if slow_rate is None and "slow_call_duration" in written:
            yield "slow_call_duration", ("slow_call_duration needs slow_call_rate_threshold "
                                         "(the share of slow calls that trips)")
        if v["failure_rate_threshold"] is None and slow_rate is None:
            yield _blame(config, "failure_rate_threshold", "window"), (
                f"a {window} window needs failure_rate_threshold or slow_call_rate_threshold")
    if v["open_max"] < v["open_for"]:
        yield _blame(config, "open_max", "open_for"), (
            f"open_max ({v['open_max']:g}s) is shorter than open_for ({v['open_for']:g}s)")
    calls, successes = v["half_open_calls"], v["half_open_successes"]
    judged_as_window = window != "consecutive" and calls != "unlimited"
    if not judged_as_window and calls != "unlimited" and successes > calls:
        yield _blame(config, "half_open_successes", "half_open_calls"), (
            f"the breaker could never close: half_open_successes ({successes}) is more than "
            f"half_open_calls ({calls}) admitted per trial")


def bulkhead_problems(config: BulkheadConfig) -> Iterator[tuple[str, str]]:
    v = config.resolved()
    if v["max_wait"] == 0 and "max_queue" in config.model_fields_set and v["max_queue"]:
        yield "max_queue", ("no call would ever wait with max_wait 0 (set max_wait, e.g. "
                            "200ms, or inf for no limit)")
