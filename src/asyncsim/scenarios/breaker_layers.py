"""Scenario configs of the layers that refuse or replace calls: breaker, bulkhead,
rate limit, fallback.

```yaml
strategies:
  guarded:
    - fallback: last_good
    - breaker: {preset: resilience4j, open_for: 10s}
    - bulkhead: {max_concurrent: 20, max_queue: 50, max_wait: 200ms}
    - ratelimit: {rate: 100/s, burst: 20, max_wait: 50ms}
```
Every field is optional where a preset can supply it; ``to_spec`` merges defaults, then
the preset, then the fields the scenario wrote (see ``breaker_presets``). Contradictions
between fields are reported by ``breaker_checks`` at the field to fix.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, NonNegativeInt, PositiveInt, model_validator

from asyncsim.scenarios.base import Model
from asyncsim.scenarios.breaker_presets import (
    BREAKER_DEFAULTS,
    BREAKER_PRESETS,
    BULKHEAD_PRESETS,
    RATELIMIT_PRESETS,
    BreakerPreset,
    BulkheadPreset,
    RateLimitPreset,
    resolve,
)
from asyncsim.scenarios.units import Duration, Rate
from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.layers.breaker.layer import BreakerSpec
from asyncsim.sim.layers.bulkhead import BulkheadSpec
from asyncsim.sim.layers.fallback import FallbackSpec
from asyncsim.sim.layers.ratelimit import RateLimitSpec
from asyncsim.sim.outcome import Status

FailureKind = Literal["error", "timeout", "rejected"]
FallbackOn = Literal["error", "timeout", "rejected", "short_circuited"]
ALL_FAILURES: list[FallbackOn] = ["error", "timeout", "rejected", "short_circuited"]
STATUS_OF = {"error": Status.ERROR, "timeout": Status.TIMEOUT, "rejected": Status.REJECTED,
             "short_circuited": Status.SHORT_CIRCUITED}


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


def _preset_shorthand(value: Any) -> Any:
    """``- breaker: pybreaker`` means ``- breaker: {preset: pybreaker}``."""
    return {"preset": value} if isinstance(value, str) else value


class BreakerConfig(Model):
    """A circuit breaker; defaults without a preset: 5 consecutive failures, 60 s open."""

    preset: BreakerPreset | None = Field(
        default=None, description="library defaults to start from (fields written here win)")
    scope: Literal["client", "shared"] = "shared"
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
    slow_call_duration: Duration | None = Field(
        default=None, gt=0, description="a call longer than this is slow")
    minimum_calls: PositiveInt | None = Field(
        default=None, description="calls the window needs before it may trip")
    trip_when: Literal["at_or_above", "above"] | None = Field(
        default=None, description="rate >= threshold (resilience4j, Polly) or > (Finagle)")
    open_for: Duration | None = Field(default=None, gt=0,
                                      description="how long calls are refused after a trip")
    open_multiplier: float | None = Field(
        default=None, ge=1, description="each reopen in a row lasts this much longer")
    open_max: Duration | None = Field(default=None, gt=0, description="cap on the open time")
    open_jitter: Literal["none", "equal"] | None = Field(
        default=None, description="equal: keep half of the grown open time, draw the rest "
                                  "(Finagle Backoff.equalJittered)")
    half_open_calls: Permits | None = Field(
        default=None, description="trial calls admitted when half-open, or unlimited")
    half_open_successes: PositiveInt | None = Field(
        default=None, description="successes that close the breaker (the first failure "
                                  "reopens), unless the trial is judged as a rate window")
    half_open_max_wait: Duration | None = Field(
        default=None, ge=0, description="reopen if the trial has not finished by then "
                                        "(0: wait forever, as resilience4j)")
    half_open_reprobe: bool | None = Field(
        default=None, description="let a new probe through each open_for while the last "
                                  "one is unanswered (Polly v8)")
    failure_on: list[FailureKind] | None = Field(
        default=None, min_length=1, description="outcomes that count as failures")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return _preset_shorthand(value)

    def explicit(self) -> dict[str, Any]:
        """The fields the scenario wrote (not the preset, not the scope)."""
        return {name: getattr(self, name) for name in self.model_fields_set
                if name not in ("preset", "scope")}

    def resolved(self) -> dict[str, Any]:
        preset = BREAKER_PRESETS[self.preset] if self.preset else {}
        values = resolve(BREAKER_DEFAULTS, preset, self.explicit())
        if values["window"] != "consecutive" and "consecutive_failures" not in preset \
                and "consecutive_failures" not in self.model_fields_set:
            values["consecutive_failures"] = None
        return values

    def to_spec(self) -> LayerSpec:
        v = self.resolved()
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


class BulkheadConfig(Model):
    """At most max_concurrent calls below; others wait (max_queue, max_wait) or are rejected."""

    preset: BulkheadPreset | None = None
    scope: Literal["client", "shared"] = "shared"
    max_concurrent: PositiveInt | None = Field(default=None, description="calls at once")
    max_queue: NonNegativeInt | None = Field(
        default=None, description="calls that may wait for a slot (default: no limit)")
    max_wait: Duration | None = Field(
        default=None, ge=0, description="how long a call may wait for a slot (default 0: "
                                        "reject at once; inf: no limit)")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return _preset_shorthand(value)

    @model_validator(mode="after")
    def _has_limit(self) -> BulkheadConfig:
        if self.preset is None and self.max_concurrent is None:
            raise ValueError("set max_concurrent (calls at once) or a preset "
                             "(allowed: resilience4j, polly-8)")
        return self

    def resolved(self) -> dict[str, Any]:
        preset = BULKHEAD_PRESETS[self.preset] if self.preset else {}
        explicit = {n: getattr(self, n) for n in self.model_fields_set
                    if n not in ("preset", "scope")}
        return resolve({"max_queue": None, "max_wait": 0.0}, preset, explicit)

    def to_spec(self) -> LayerSpec:
        v = self.resolved()
        return BulkheadSpec(v["max_concurrent"], v["max_queue"], v["max_wait"], self.scope)


class RateLimitConfig(Model):
    """A token bucket: ``rate`` tokens per second, up to ``burst`` saved."""

    preset: RateLimitPreset | None = None
    scope: Literal["client", "shared"] = "shared"
    rate: Rate | None = Field(default=None, gt=0, description="tokens added per second")
    burst: PositiveInt | None = Field(default=None, description="bucket size (default 1)")
    max_wait: Duration | None = Field(
        default=None, ge=0, description="how long a call may wait for a token (default 0)")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return _preset_shorthand(value)

    @model_validator(mode="after")
    def _has_rate(self) -> RateLimitConfig:
        if self.preset is None and self.rate is None:
            raise ValueError("set rate (e.g. 100/s) or a preset (allowed: resilience4j)")
        return self

    def to_spec(self) -> LayerSpec:
        preset = RATELIMIT_PRESETS[self.preset] if self.preset else {}
        explicit = {n: getattr(self, n) for n in self.model_fields_set
                    if n not in ("preset", "scope")}
        v = resolve({"burst": 1, "max_wait": 0.0}, preset, explicit)
        return RateLimitSpec(v["rate"], v["burst"], v["max_wait"], self.scope)


class FallbackConfig(Model):
    """Serve something when the call below fails: ``static`` or ``last_good``."""

    serve: Literal["static", "last_good"] = Field(
        default="static", description="a fixed value, or the last value this layer "
                                      "delivered for the key")
    on: list[FallbackOn] = Field(
        default_factory=lambda: list(ALL_FAILURES),
        min_length=1, description="outcomes that get the fallback")
    scope: Literal["client", "shared"] = "client"

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"serve": value} if isinstance(value, str) else value

    def to_spec(self) -> LayerSpec:
        return FallbackSpec(self.serve, frozenset(STATUS_OF[k] for k in self.on), self.scope)
