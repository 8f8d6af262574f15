"""The ``limiter`` layer, an adaptive concurrency limit on the client: ``- limiter:
netflix-aimd``, ``- limiter: {preset: netflix-gradient2, min_limit: 5}``, ``- limiter: envoy``
or ``- limiter: {algorithm: vegas}`` (an algorithm alone starts from its library's preset)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, PositiveInt

from asyncsim.scenarios.base import Problems, WithPreset, shorthand
from asyncsim.scenarios.presets.limiter import LIMITER_PRESETS, PRESET_OF, LimiterPreset
from asyncsim.scenarios.types import Duration, Scope
from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.layers.limiter import LimiterSpec

FIELDS = {
    "aimd": ("initial_limit", "min_limit", "max_limit", "backoff_ratio", "timeout"),
    "vegas": ("initial_limit", "max_limit", "smoothing", "probe_multiplier"),
    "gradient2": ("initial_limit", "min_limit", "max_limit", "smoothing", "queue_size",
                  "long_window"),
    "envoy": ("min_limit", "max_limit", "update_interval", "min_rtt_interval",
              "request_count", "jitter", "buffer", "quantile"),
}
"""The settings each algorithm reads; one written for another is an error, not ignored."""


class LimiterConfig(WithPreset):
    """At most ``limit`` calls in flight, the limit learned from drops and round trips."""

    preset: LimiterPreset | None = None
    scope: Scope = "shared"
    algorithm: Literal["aimd", "vegas", "gradient2", "envoy"] | None = Field(
        default=None,
        description="aimd: +1 while busy and healthy, x backoff_ratio on a drop; vegas: "
                    "grow or shrink by the queue estimated from the lowest round trip; "
                    "gradient2: x (long-term average rtt / last rtt) + queue_size; envoy: "
                    "x (minRTT x (1 + buffer) / sampled rtt) + its square root, per window")
    initial_limit: PositiveInt | None = Field(default=None, description="limit at the start")
    min_limit: PositiveInt | None = Field(
        default=None, description="the limit never falls below this (envoy: min_concurrency, "
                                  "also the limit while minRTT is measured)")
    max_limit: PositiveInt | None = Field(default=None, description="the limit never grows "
                                                                    "above this")
    backoff_ratio: float | None = Field(
        default=None, ge=0.5, lt=1, description="aimd: the limit is multiplied by this on a "
                                                "drop (0.5 to 1)")
    timeout: Duration | None = Field(
        default=None, gt=0, description="aimd: a round trip longer than this counts as a drop")
    smoothing: float | None = Field(
        default=None, gt=0, le=1,
        description="vegas, gradient2: share of the new estimate taken at each update (0 to "
                    "1; 1 takes it whole)")
    probe_multiplier: PositiveInt | None = Field(
        default=None, description="vegas: re-measure the no-load rtt every probe_multiplier x "
                                  "limit samples (x a jitter of 0.5 to 1)")
    queue_size: int | None = Field(
        default=None, ge=0, description="gradient2: how much the limit may grow while the "
                                        "latency stays low")
    long_window: PositiveInt | None = Field(
        default=None, description="gradient2: samples in the long-term rtt average")
    update_interval: Duration | None = Field(
        default=None, gt=0, description="envoy: the sample window (concurrency_update_interval)")
    min_rtt_interval: Duration | None = Field(
        default=None, gt=0, description="envoy: time between minRTT measurements (interval)")
    request_count: PositiveInt | None = Field(
        default=None, description="envoy: calls sampled to measure minRTT")
    jitter: float | None = Field(
        default=None, ge=0, le=1, description="envoy: random delay of a minRTT measurement, "
                                              "as a share of min_rtt_interval")
    buffer: float | None = Field(
        default=None, ge=0, le=10, description="envoy: the share added to minRTT before the "
                                               "gradient is taken")
    quantile: float | None = Field(
        default=None, gt=0, lt=1, description="envoy: the quantile summarising the sampled "
                                              "rtts (sample_aggregate_percentile / 100)")

    _shorthand = shorthand("preset", str)

    PRESETS: ClassVar[Mapping[str, Mapping[str, Any]]] = LIMITER_PRESETS
    NOT_SETTINGS: ClassVar[frozenset[str]] = frozenset({"preset", "scope"})
    NULL_CLEARS: ClassVar[bool] = True

    def chosen_algorithm(self) -> str:
        if self.algorithm is not None:
            return self.algorithm
        return str(LIMITER_PRESETS[self.preset or "netflix-aimd"]["algorithm"])

    def defaults(self) -> dict[str, Any]:
        return dict(LIMITER_PRESETS[PRESET_OF[self.chosen_algorithm()]])

    def problems(self) -> Problems:
        algorithm = self.chosen_algorithm()
        if self.preset is not None and self.algorithm is not None \
                and LIMITER_PRESETS[self.preset]["algorithm"] != algorithm:
            return [(("algorithm",), f"preset {self.preset} is the "
                                     f"{LIMITER_PRESETS[self.preset]['algorithm']} algorithm; "
                                     f"write a preset or an algorithm, not both")]
        problems: Problems = [
            ((name,), f"{name} is for {', '.join(a for a, f in FIELDS.items() if name in f)}; "
                      f"a {algorithm} limiter takes {', '.join(FIELDS[algorithm])}")
            for name in sorted(self.given() - {"algorithm"}) if name not in FIELDS[algorithm]]
        v = self.settings()
        if not problems and v["min_limit"] > v["max_limit"]:
            problems.append((("min_limit",), f"min_limit ({v['min_limit']}) is above "
                                             f"max_limit ({v['max_limit']})"))
        return problems

    def to_spec(self) -> LayerSpec:
        v = self.settings()
        extra = {name: v[key] for name, key in _SPEC_NAMES.items() if key in v}
        return LimiterSpec(v["algorithm"], initial_limit=v.get("initial_limit", v["min_limit"]),
                           min_limit=v["min_limit"], max_limit=v["max_limit"], scope=self.scope,
                           **extra)


_SPEC_NAMES = {"backoff_ratio": "backoff_ratio", "timeout_s": "timeout",
               "smoothing": "smoothing", "probe_multiplier": "probe_multiplier",
               "queue_size": "queue_size", "long_window": "long_window",
               "update_interval_s": "update_interval", "min_rtt_interval_s": "min_rtt_interval",
               "request_count": "request_count", "jitter": "jitter", "buffer": "buffer",
               "percentile": "quantile"}
"""LimiterSpec field -> the setting that fills it (an algorithm's preset sets its own)."""
