"""The ``limiter`` layer, an adaptive concurrency limit on the client (Netflix
concurrency-limits): ``- limiter: netflix-aimd`` or ``- limiter: {preset: netflix-aimd,
min_limit: 5}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, PositiveInt

from asyncsim.scenarios.base import Problems, WithPreset, shorthand
from asyncsim.scenarios.presets.limiter import LIMITER_PRESETS, LimiterPreset
from asyncsim.scenarios.types import Duration, Scope
from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.layers.limiter import LimiterSpec


class LimiterConfig(WithPreset):
    """At most ``limit`` calls in flight, the limit learned from drops and round trips."""

    preset: LimiterPreset | None = None
    scope: Scope = "shared"
    algorithm: Literal["aimd"] | None = Field(
        default=None, description="aimd: +1 while busy and healthy, x backoff_ratio on a drop")
    initial_limit: PositiveInt | None = Field(default=None, description="limit at the start")
    min_limit: PositiveInt | None = Field(default=None, description="the limit never falls "
                                                                    "below this")
    max_limit: PositiveInt | None = Field(default=None, description="the limit never grows "
                                                                    "above this")
    backoff_ratio: float | None = Field(
        default=None, ge=0.5, lt=1, description="aimd: the limit is multiplied by this on a "
                                                "drop (0.5 to 1)")
    timeout: Duration | None = Field(
        default=None, gt=0, description="aimd: a round trip longer than this counts as a drop")

    _shorthand = shorthand("preset", str)

    PRESETS: ClassVar[Mapping[str, Mapping[str, Any]]] = LIMITER_PRESETS
    DEFAULTS: ClassVar[Mapping[str, Any]] = LIMITER_PRESETS["netflix-aimd"]
    NOT_SETTINGS: ClassVar[frozenset[str]] = frozenset({"preset", "scope"})
    NULL_CLEARS: ClassVar[bool] = True

    def problems(self) -> Problems:
        v = self.settings()
        if v["min_limit"] > v["max_limit"]:
            return [(("min_limit",), f"min_limit ({v['min_limit']}) is above max_limit "
                                     f"({v['max_limit']})")]
        return []

    def to_spec(self) -> LayerSpec:
        v = self.settings()
        return LimiterSpec(v["algorithm"], v["initial_limit"], v["min_limit"], v["max_limit"],
                           float(v["backoff_ratio"]), float(v["timeout"]), self.scope)
