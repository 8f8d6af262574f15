"""The ``delay`` layer as written in a scenario.

```yaml
- delay: 40ms                                   # a fixed round trip
- delay: {lognormal: {median: 40ms, p99: 200ms}}  # a distributed one
- delay: {latency: 40ms, scope: client}          # each client draws its own
```
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from asyncsim.scenarios.base import Model
from asyncsim.scenarios.distributions import DistributionConfig
from asyncsim.scenarios.types import Scope
from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.layers.delay import DelaySpec


class DelayConfig(Model):
    """Time on the way between the client and what stands below (a network round trip)."""

    latency: DistributionConfig = Field(
        description="the time each call waits before it is passed on: a duration or a "
                    "latency distribution")
    scope: Scope = "shared"

    @model_validator(mode="before")
    @classmethod
    def _bare_latency(cls, value: Any) -> Any:
        """``- delay: 40ms`` and ``- delay: {exponential: 40ms}`` name the latency itself."""
        if isinstance(value, dict) and not value.keys() & {"latency", "scope"}:
            return {"latency": value}
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return {"latency": value}
        return value

    def to_spec(self) -> LayerSpec:
        return DelaySpec(self.latency.to_sim(), self.scope)
