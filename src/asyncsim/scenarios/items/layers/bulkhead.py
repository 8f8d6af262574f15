"""The ``bulkhead`` layer: ``- bulkhead: {max_concurrent: 20, max_queue: 50, max_wait: 200ms}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field, NonNegativeInt, PositiveInt, model_validator

from asyncsim.scenarios.base import Problems, WithPreset, shorthand
from asyncsim.scenarios.presets.bulkhead import BULKHEAD_PRESETS, BulkheadPreset
from asyncsim.scenarios.types import DurationOrNever, Scope
from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.layers.bulkhead import BulkheadSpec


class BulkheadConfig(WithPreset):
    """At most max_concurrent calls below; others wait (max_queue, max_wait) or are rejected."""

    preset: BulkheadPreset | None = None
    scope: Scope = "shared"
    max_concurrent: PositiveInt | None = Field(default=None, description="calls at once")
    max_queue: NonNegativeInt | None = Field(
        default=None, description="calls that may wait for a slot (default: no limit)")
    max_wait: DurationOrNever | None = Field(
        default=None, ge=0, description="how long a call may wait for a slot (default 0: "
                                        "reject at once; inf: no limit)")

    _shorthand = shorthand("preset", str)

    @model_validator(mode="after")
    def _has_limit(self) -> BulkheadConfig:
        if self.preset is None and self.max_concurrent is None:
            raise ValueError("set max_concurrent (calls at once) or a preset "
                             "(allowed: resilience4j, polly-8)")
        return self

    PRESETS: ClassVar[Mapping[str, Mapping[str, Any]]] = BULKHEAD_PRESETS
    DEFAULTS: ClassVar[Mapping[str, Any]] = {"max_queue": None, "max_wait": 0.0}
    NOT_SETTINGS: ClassVar[frozenset[str]] = frozenset({"preset", "scope"})
    NULL_CLEARS: ClassVar[bool] = True

    def problems(self) -> Problems:
        v = self.settings()
        if v["max_wait"] == 0 and "max_queue" in self.model_fields_set and v["max_queue"]:
            return [(("max_queue",), "no call would ever wait with max_wait 0 (set max_wait, "
                                     "e.g. 200ms, or inf for no limit)")]
        return []

    def to_spec(self) -> LayerSpec:
        v = self.settings()
        return BulkheadSpec(v["max_concurrent"], v["max_queue"], v["max_wait"], self.scope)
