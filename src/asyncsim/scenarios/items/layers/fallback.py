"""The ``fallback`` layer: ``- fallback: last_good`` or ``{serve: static, on: [error]}``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from asyncsim.scenarios.base import Model, shorthand
from asyncsim.scenarios.types import STATUS_OF, Scope
from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.layers.fallback import FallbackSpec

FallbackOn = Literal["error", "timeout", "rejected", "short_circuited"]


ALL_FAILURES: list[FallbackOn] = ["error", "timeout", "rejected", "short_circuited"]


class FallbackConfig(Model):
    """Serve something when the call below fails: ``static`` or ``last_good``."""

    serve: Literal["static", "last_good"] = Field(
        default="static", description="a fixed value, or the last value this layer "
                                      "delivered for the key")
    on: list[FallbackOn] = Field(
        default_factory=lambda: list(ALL_FAILURES),
        min_length=1, description="outcomes that get the fallback")
    scope: Scope = "client"

    _shorthand = shorthand("serve", str)

    def to_spec(self) -> LayerSpec:
        return FallbackSpec(self.serve, frozenset(STATUS_OF[k] for k in self.on), self.scope)
