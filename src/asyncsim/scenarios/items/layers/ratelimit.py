"""The ``ratelimit`` layer, a token bucket: ``{rate: 100/s, burst: 20, max_wait: 50ms}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field, PositiveInt, model_validator

from asyncsim.scenarios.base import WithPreset, shorthand
from asyncsim.scenarios.presets.ratelimit import RATELIMIT_PRESETS, RateLimitPreset
from asyncsim.scenarios.types import Duration, Rate, Scope
from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.layers.ratelimit import RateLimitSpec


class RateLimitConfig(WithPreset):
    """A token bucket: ``rate`` tokens per second, up to ``burst`` saved."""

    preset: RateLimitPreset | None = None
    scope: Scope = "shared"
    rate: Rate | None = Field(default=None, gt=0, description="tokens added per second")
    burst: PositiveInt | None = Field(default=None, description="bucket size (default 1)")
    max_wait: Duration | None = Field(
        default=None, ge=0, description="how long a call may wait for a token (default 0)")

    _shorthand = shorthand("preset", str)

    @model_validator(mode="after")
    def _has_rate(self) -> RateLimitConfig:
        if self.preset is None and self.rate is None:
            raise ValueError("set rate (e.g. 100/s) or a preset (allowed: resilience4j)")
        return self

    PRESETS: ClassVar[Mapping[str, Mapping[str, Any]]] = RATELIMIT_PRESETS
    DEFAULTS: ClassVar[Mapping[str, Any]] = {"burst": 1, "max_wait": 0.0}
    NOT_SETTINGS: ClassVar[frozenset[str]] = frozenset({"preset", "scope"})
    NULL_CLEARS: ClassVar[bool] = True

    def to_spec(self) -> LayerSpec:
        v = self.settings()
        return RateLimitSpec(v["rate"], v["burst"], v["max_wait"], self.scope)
