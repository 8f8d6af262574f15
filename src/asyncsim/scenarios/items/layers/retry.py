"""The ``retry`` layer as written in a scenario, with its budget, throttle and presets.

```yaml
- retry: {max_attempts: 3, backoff: exponential, base: 100ms, cap: 2s, jitter: full}
- retry: {preset: envoy, max_attempts: 3}     # explicit fields override the preset's
- retry: {max_attempts: unlimited, backoff: none, budget: {percent: 20, min_per_s: 10/s}}
```
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field, NonNegativeInt, WithJsonSchema, model_validator

from asyncsim.lang.units import format_duration
from asyncsim.scenarios.base import Loc, Model, WithPreset
from asyncsim.scenarios.presets.retry import (
    GRPC_MAX_ATTEMPTS,
    GRPC_REQUIRED,
    RETRY_PRESETS,
    RetryPresetName,
)
from asyncsim.scenarios.types import (
    STATUS_OF,
    Duration,
    DurationOrNever,
    FailureKind,
    Rate,
    Scope,
)
from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.layers.retry.backoff import SELF_RANDOMISED, BackoffSpec, JitterKind
from asyncsim.sim.layers.retry.budget import (
    ConcurrencyBudgetSpec,
    GateSpec,
    RateBudgetSpec,
    TokenThrottleSpec,
)
from asyncsim.sim.layers.retry.layer import RetrySpec

BackoffName = Literal["none", "constant", "linear", "exponential", "envoy", "decorrelated",
                      "swr", "polly-decorrelated"]


MAX_ATTEMPTS = 1000
"""Most finite attempts: no library default comes near it, and a huge finite number
behaves as 'unlimited' while claiming a bound."""


def _parse_attempts(value: object) -> float:
    """A whole number ≥ 1, or ``unlimited`` (as tenacity's and SWR's defaults are)."""
    if isinstance(value, str) and value.strip().lower() in ("unlimited", "inf", "infinity"):
        return math.inf
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not math.isfinite(value) or value != int(value) or value < 1:
        raise ValueError(f"{value!r} is not a number of attempts (a whole number ≥ 1 that "
                         "counts the first call, or 'unlimited')")
    if value > MAX_ATTEMPTS:
        raise ValueError(f"{value!r} attempts is over the limit of {MAX_ATTEMPTS} (write "
                         "'unlimited' if no limit is meant)")
    return int(value)


MaxAttempts = Annotated[
    float, Field(allow_inf_nan=True), BeforeValidator(_parse_attempts),
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 1}, {"const": "unlimited"}],
                    "description": "tries including the first, or 'unlimited'"})]


FAILURES: tuple[FailureKind, ...] = ("error", "timeout", "rejected")


class BudgetConfig(Model):
    """Bounds retry load: per second and window (Finagle) or in progress at once (Envoy)."""

    percent: float = Field(default=20.0, ge=0, le=1000,
                           description="retries allowed per 100 requests (per second mode) "
                                       "or per 100 requests in progress (concurrent mode)")
    min_per_s: Rate | None = Field(default=None, description="retries always allowed per "
                                   "second, however few the requests (Finagle: 10/s)")
    ttl: Duration | None = Field(default=None, gt=0, description="how long a request's "
                                 "deposit counts (Finagle: 10s)")
    min_concurrent: NonNegativeInt | None = Field(
        default=None, description="retries always allowed in progress at once (Envoy: 3); "
                                  "setting it makes this a concurrency budget")

    def problems(self) -> list[tuple[Loc, str]]:
        out: list[tuple[Loc, str]] = []
        if self.min_concurrent is not None and (self.min_per_s is not None
                                                or self.ttl is not None):
            out.append((("min_concurrent",), "a budget counts either retries per second "
                        "(min_per_s, ttl: Finagle) or retries in progress (min_concurrent: "
                        "Envoy), not both"))
        minimum = self.min_concurrent if self.min_concurrent is not None else (
            self.min_per_s if self.min_per_s is not None else RateBudgetSpec.min_per_s)
        if self.percent == 0 and minimum == 0:
            out.append(((), "this budget allows no retries at all (percent and its "
                            "minimum are both 0): remove the retry layer instead"))
        return out

    def to_spec(self) -> GateSpec:
        fraction = self.percent / 100
        if self.min_concurrent is not None:
            return ConcurrencyBudgetSpec(fraction, self.min_concurrent)
        return RateBudgetSpec(
            fraction,
            self.min_per_s if self.min_per_s is not None else RateBudgetSpec.min_per_s,
            self.ttl if self.ttl is not None else RateBudgetSpec.ttl_s)


class ThrottleConfig(Model):
    """gRPC retryThrottling: retries only while tokens > max_tokens/2."""

    max_tokens: float = Field(gt=0, le=1000, description="tokens at the start and at most")
    token_ratio: float = Field(gt=0, description="tokens a success gives back (a failed "
                                                 "attempt takes 1)")

    def to_spec(self) -> GateSpec:
        return TokenThrottleSpec(self.max_tokens, self.token_ratio)


class RetryConfig(WithPreset):
    """Call again after a failure, with backoff and jitter, within a budget."""

    preset: RetryPresetName | None = Field(
        default=None, description="start from a library's defaults; fields given here win")
    max_attempts: MaxAttempts = 3
    backoff: BackoffName = Field(
        default="exponential",
        description="none (retry at once), constant, linear (base·n), exponential "
                    "(base·multiplier^(n−1), n = 1 for the first retry), envoy "
                    "((2^n−1)·base), decorrelated (min(cap, U(base, 3·previous))), swr "
                    "(SWR's quantised ×U(0.5,1.5)), polly-decorrelated (Polly v8's "
                    "DecorrelatedJitterBackoffV2)")
    base: Duration = Field(default=0.1, ge=0, description="the first wait (the interval for "
                                                          "constant and swr backoff)")
    multiplier: float = Field(default=2.0, ge=1, description="growth per retry (exponential)")
    cap: DurationOrNever = Field(default=math.inf, gt=0, description="no wait is longer (applied "
                                                              "before jitter)")
    jitter: JitterKind | None = Field(
        default=None, description="none, full U(0,d), equal d/2+U(0,d/2), proportional "
                                  "d·U(1−ratio, 1+ratio) [default: full; none for backoffs "
                                  "that draw their own randomness]")
    ratio: float | None = Field(default=None, gt=0, le=1,
                                description="proportional jitter: ±ratio (0.2 = ±20%)")
    retry_on: list[FailureKind] = Field(
        default_factory=lambda: list(FAILURES), min_length=1,
        description="failures worth another try")
    budget: BudgetConfig | None = None
    throttle: ThrottleConfig | None = None
    honour_retry_after: bool = Field(
        default=False, description="wait as long as the server's retry-after says, then "
                                   "restart the backoff sequence (gRPC pushback)")
    scope: Scope = Field(
        default="shared", description="whose budget and throttle: one shared by all clients "
                                      "(a service's client library, a sidecar) or each "
                                      "client's own")

    PRESETS: ClassVar[Mapping[str, Mapping[str, Any]]] = RETRY_PRESETS
    PRESETS_AS_INPUT: ClassVar[bool] = True

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        """``- retry: 3`` means three attempts (a bool is not a count)."""
        if isinstance(value, int) and not isinstance(value, bool):
            return {"max_attempts": value}
        return value

    @classmethod
    def preset_input(cls, name: str, written: dict[str, Any]) -> dict[str, Any]:
        """gRPC's retryPolicy has no defaults for some fields, and A6 clamps maxAttempts."""
        if name.startswith("grpc"):
            missing = [f for f in GRPC_REQUIRED if f not in written]
            if missing:
                raise ValueError(f"the {name} preset needs {', '.join(missing)}: gRPC's "
                                 "retryPolicy has no defaults for them")
        merged = super().preset_input(name, written)
        attempts = merged.get("max_attempts")
        if name.startswith("grpc") and isinstance(attempts, int | float) \
                and attempts > GRPC_MAX_ATTEMPTS:
            merged["max_attempts"] = GRPC_MAX_ATTEMPTS  # A6 clamps, so the simulation does
        return merged

    @property
    def jitter_kind(self) -> JitterKind:
        if self.jitter is not None:
            return self.jitter
        return "none" if self.backoff == "none" or self.backoff in SELF_RANDOMISED else "full"

    def problems(self) -> list[tuple[Loc, str]]:
        """Contradictions between fields, each at the field to change."""
        out: list[tuple[Loc, str]] = []
        if self.backoff != "none" and self.cap < self.base:
            out.append((("cap",), f"cap ({format_duration(self.cap)}) is below base "
                                  f"({format_duration(self.base)}): raise cap or lower base"))
        if self.backoff in SELF_RANDOMISED and self.jitter not in (None, "none"):
            out.append((("jitter",), f"{self.backoff} backoff draws its own randomness; "
                                     "jitter must be none"))
        if self.backoff == "none" and "jitter" in self.given() \
                and self.jitter not in (None, "none"):
            out.append((("jitter",), "with backoff none a retry starts at once: there is no "
                                     "wait to jitter (set a backoff, or remove jitter)"))
        if self.jitter_kind == "proportional" and self.ratio is None:
            out.append((("jitter",), "proportional jitter needs a ratio (e.g. ratio: 0.2 "
                                     "for ±20%)"))
        if self.ratio is not None and self.jitter_kind != "proportional":
            out.append((("ratio",), f"ratio applies to proportional jitter only (jitter is "
                                    f"{self.jitter_kind})"))
        if self.budget is not None:
            out.extend((("budget", *loc), message) for loc, message in self.budget.problems())
        return out

    def to_spec(self) -> LayerSpec:
        kind = "constant" if self.backoff == "none" else self.backoff
        backoff = BackoffSpec(kind, 0.0 if self.backoff == "none" else self.base,
                              self.multiplier, self.cap, self.jitter_kind, self.ratio or 0.0)
        gates: list[GateSpec] = []
        if self.throttle is not None:  # first: it does not withdraw, a budget does
            gates.append(self.throttle.to_spec())
        if self.budget is not None:
            gates.append(self.budget.to_spec())
        return RetrySpec(self.max_attempts, backoff,
                         frozenset(STATUS_OF[name] for name in self.retry_on), tuple(gates),
                         gates_per_client=self.scope == "client",
                         honour_retry_after=self.honour_retry_after)
