"""Strategy layers as written in a scenario: a list of one-key mappings, outermost first.

```yaml
strategies:
  with-timeout:
    - timeout: 2s
```
Each policy adds one optional field to :class:`LayerItem` and a ``to_spec`` branch: the
rest of the pipeline (validation messages, JSON Schema, building) follows from that.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from asyncsim.scenarios.base import Model, OneOf
from asyncsim.scenarios.breaker_layers import (
    BreakerConfig,
    BulkheadConfig,
    FallbackConfig,
    RateLimitConfig,
)
from asyncsim.scenarios.units import Duration
from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.layers.timeout import TimeoutSpec


class TimeoutConfig(Model):
    """A per-attempt client timeout: the caller gives up, the server may keep working."""

    after: Duration = Field(gt=0, description="how long the client waits for one attempt")
    scope: Literal["client", "shared"] = "shared"

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"after": value} if isinstance(value, str | int | float) else value

    def to_spec(self) -> LayerSpec:
        return TimeoutSpec(self.after, self.scope)


class LayerItem(OneOf):
    timeout: TimeoutConfig | None = None
    breaker: BreakerConfig | None = None
    bulkhead: BulkheadConfig | None = None
    ratelimit: RateLimitConfig | None = None
    fallback: FallbackConfig | None = None

    def to_spec(self) -> LayerSpec:
        _, config = self.chosen()
        spec: LayerSpec = config.to_spec()
        return spec
