"""The ``timeout`` layer: ``- timeout: 2s`` or ``- timeout: {after: 2s, scope: client}``."""

from __future__ import annotations

from pydantic import Field

from asyncsim.scenarios.base import Model, shorthand
from asyncsim.scenarios.types import Duration, Scope
from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.layers.timeout import TimeoutSpec


class TimeoutConfig(Model):
    """A per-attempt client timeout: the caller gives up, the server may keep working."""

    after: Duration = Field(gt=0, description="how long the client waits for one attempt")
    scope: Scope = "shared"
    propagate_deadline: bool = Field(
        default=True, description="send the deadline with the call (gRPC does; a plain HTTP "
                                  "client does not), so a backend with drop_expired can "
                                  "skip it once expired")

    _shorthand = shorthand("after", str, int, float)

    def to_spec(self) -> LayerSpec:
        return TimeoutSpec(self.after, self.scope, propagate=self.propagate_deadline)
