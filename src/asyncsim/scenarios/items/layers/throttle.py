"""The ``throttle`` layer, client-side adaptive throttling (Google SRE book):
``- throttle: sre`` or ``- throttle: {k: 1.5, window: 1m}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field

from asyncsim.scenarios.base import WithPreset, shorthand
from asyncsim.scenarios.presets.throttle import THROTTLE_PRESETS, ThrottlePreset
from asyncsim.scenarios.types import Duration, Scope
from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.layers.throttle import ThrottleSpec


class ThrottleConfig(WithPreset):
    """Refuse calls locally with probability max(0, (requests - k accepts) / (requests + 1))
    over the last ``window``, so the client sends about k times what the backend accepts."""

    preset: ThrottlePreset | None = None
    scope: Scope = "shared"
    k: float | None = Field(
        default=None, ge=1, le=100,
        description="how many requests per accepted one the client keeps sending (at least "
                    "1; default 2, the SRE book's)")
    window: Duration | None = Field(
        default=None, gt=0, description="how far back requests and accepts are counted "
                                        "(default 2m, the SRE book's)")

    _shorthand = shorthand("preset", str)

    PRESETS: ClassVar[Mapping[str, Mapping[str, Any]]] = THROTTLE_PRESETS
    DEFAULTS: ClassVar[Mapping[str, Any]] = THROTTLE_PRESETS["sre"]
    NOT_SETTINGS: ClassVar[frozenset[str]] = frozenset({"preset", "scope"})
    NULL_CLEARS: ClassVar[bool] = True

    def to_spec(self) -> LayerSpec:
        v = self.settings()
        return ThrottleSpec(float(v["k"]), float(v["window"]), self.scope)
