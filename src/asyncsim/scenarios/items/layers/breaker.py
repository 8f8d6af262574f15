"""The ``breaker`` layer: a circuit breaker, from a library's preset or field by field.

```yaml
- breaker: {preset: resilience4j, open_for: 10s}
- breaker: pybreaker
```
Defaults, then the preset, then the fields the scenario wrote (a field written as null
clears the preset's value). Contradictions between fields, also those that come from the
preset, are reported by ``problems()`` at the field the scenario wrote, or at ``preset``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field, PositiveInt

from asyncsim.scenarios.base import Problems, WithPreset, shorthand
from asyncsim.scenarios.presets.breaker import BREAKER_DEFAULTS, BREAKER_PRESETS, BreakerPreset
from asyncsim.scenarios.types import STATUS_OF, Duration, DurationOrNever, FailureKind, Scope
from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.layers.breaker.layer import BreakerSpec

RATE_FIELDS = ("failure_rate_threshold", "slow_call_rate_threshold", "slow_call_duration",
               "minimum_calls", "trip_when")


COUNT_FIELDS = ("window_size",)


TIME_FIELDS = ("window_duration", "buckets")


def _permits(value: Any) -> Any:
    """A positive count of calls, or 'unlimited' (pybreaker admits every half-open call)."""
    if value == "unlimited":
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{value!r} is not allowed (allowed: a whole number >= 1, unlimited)")
    if value < 1:
        raise ValueError(f"{value} calls would never let a probe through "
                         "(allowed: a whole number >= 1, unlimited)")
    return value


Permits = Annotated[Annotated[int, Field(ge=1)] | Literal["unlimited"],
                    BeforeValidator(_permits)]


Percent = Annotated[float, Field(gt=0, le=100)]


class BreakerConfig(WithPreset):
    """A circuit breaker; defaults without a preset: 5 consecutive failures, 60 s open."""

    preset: BreakerPreset | None = Field(
        default=None, description="library defaults to start from (fields written here win)")
    scope: Scope = "shared"
    window: Literal["consecutive", "count", "time"] | None = Field(
        default=None, description="trip on failures in a row, or on rates over the last N "
                                  "calls (count) or the last window_duration (time)")
    consecutive_failures: PositiveInt | None = Field(
        default=None, description="trip after this many failures in a row (with a count or "
                                  "time window: an extra rule, as Finagle)")
    window_size: PositiveInt | None = Field(default=None, description="count window: calls")
    window_duration: Duration | None = Field(default=None, gt=0,
                                             description="time window: its span")
    buckets: PositiveInt | None = Field(
        default=None, description="time window: slices it moves by (default one per second)")
    failure_rate_threshold: Percent | None = Field(
        default=None, description="trip when this percentage of the window failed")
    slow_call_rate_threshold: Percent | None = Field(
        default=None, description="trip when this percentage of the window was slow")
    slow_call_duration: DurationOrNever | None = Field(
        default=None, gt=0, description="a call longer than this is slow")
    minimum_calls: PositiveInt | None = Field(
        default=None, description="calls the window needs before it may trip")
    trip_when: Literal["at_or_above", "above"] | None = Field(
        default=None, description="rate >= threshold (resilience4j, Polly) or > (Finagle)")
    open_for: Duration | None = Field(default=None, gt=0,
                                      description="how long calls are refused after a trip")
    open_multiplier: float | None = Field(
        default=None, ge=1, description="each reopen in a row lasts this much longer")
    open_max: DurationOrNever | None = Field(default=None, gt=0, description="cap on the open time")
    open_jitter: Literal["none", "equal"] | None = Field(
        default=None, description="equal: keep half of the grown open time, draw the rest "
                                  "(Finagle Backoff.equalJittered)")
    half_open_calls: Permits | None = Field(
        default=None, description="trial calls admitted when half-open, or unlimited")
    half_open_successes: PositiveInt | None = Field(
        default=None, description="successes that close the breaker (the first failure "
                                  "reopens), unless the trial is judged as a rate window")
    half_open_max_wait: DurationOrNever | None = Field(
        default=None, ge=0, description="reopen if the trial has not finished by then "
                                        "(0: wait forever, as resilience4j)")
    half_open_reprobe: bool | None = Field(
        default=None, description="let a new probe through each open_for while the last "
                                  "one is unanswered (Polly v8)")
    failure_on: list[FailureKind] | None = Field(
        default=None, min_length=1, description="outcomes that count as failures")

    _shorthand = shorthand("preset", str)

    PRESETS: ClassVar[Mapping[str, Mapping[str, Any]]] = BREAKER_PRESETS
    DEFAULTS: ClassVar[Mapping[str, Any]] = BREAKER_DEFAULTS
    NOT_SETTINGS: ClassVar[frozenset[str]] = frozenset({"preset", "scope"})
    NULL_CLEARS: ClassVar[bool] = True

    def settings(self) -> dict[str, Any]:
        """A count or time window trips on consecutive failures only when asked to."""
        values = super().settings()
        preset = BREAKER_PRESETS[self.preset] if self.preset else {}
        if values["window"] != "consecutive" and "consecutive_failures" not in preset \
                and "consecutive_failures" not in self.model_fields_set:
            values["consecutive_failures"] = None
        return values

    def problems(self) -> Problems:
        return [((name,), message) for name, message in breaker_problems(self)]

    def to_spec(self) -> LayerSpec:
        v = self.settings()
        rated = v["window"] != "consecutive"
        buckets = v["buckets"] or max(1, round(v["window_duration"]))
        return BreakerSpec(
            window=v["window"], consecutive_failures=v["consecutive_failures"],
            window_size=v["window_size"], window_s=v["window_duration"], buckets=buckets,
            failure_rate_pct=v["failure_rate_threshold"] if rated else None,
            slow_call_rate_pct=v["slow_call_rate_threshold"] if rated else None,
            slow_call_s=v["slow_call_duration"], minimum_calls=v["minimum_calls"],
            trip_above=v["trip_when"] == "above", open_s=v["open_for"],
            open_multiplier=v["open_multiplier"], open_max_s=v["open_max"],
            open_jitter=v["open_jitter"],
            half_open_calls=None if v["half_open_calls"] == "unlimited" else v["half_open_calls"],
            half_open_successes=v["half_open_successes"],
            half_open_max_wait_s=v["half_open_max_wait"] or math.inf,
            half_open_reprobe=v["half_open_reprobe"],
            failure_statuses=frozenset(STATUS_OF[k] for k in v["failure_on"]),
            scope=self.scope)


def _blame(config: WithPreset, *fields: str) -> str:
    """The first of ``fields`` the scenario wrote, else ``preset``."""
    return next((f for f in fields if f in config.model_fields_set), "preset")


def breaker_problems(config: BreakerConfig) -> Iterator[tuple[str, str]]:
    v = config.settings()
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
