"""The ``hedge`` layer as written in a scenario.

```yaml
- hedge: 100ms                                  # one extra copy after 100 ms
- hedge: {percentile: 95, max_extra: 1}         # after the p95 observed so far (Finagle)
```
"""

from __future__ import annotations

from pydantic import Field, PositiveInt, model_validator

from asyncsim.scenarios.base import Loc, Model, shorthand
from asyncsim.scenarios.types import Duration
from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.layers.hedge import HedgeSpec


class HedgeConfig(Model):
    """Send another copy when the answer is slow; the first success wins."""

    delay: Duration | None = Field(default=None, ge=0, description="send a copy after this "
                                   "long without an answer (0 = all copies at once)")
    percentile: float | None = Field(default=None, gt=0, lt=100, description="send a copy "
                                     "after this percentile of the latency observed so far")
    max_extra: PositiveInt = Field(default=1, le=10, description="copies beyond the first")
    min_samples: PositiveInt = Field(default=100, description="percentile mode: successes "
                                     "observed before the first copy is sent")
    window: PositiveInt = Field(default=1000, description="percentile mode: latest "
                                "latencies the percentile is computed from")
    refresh: Duration = Field(default=3.0, gt=0, description="percentile mode: how often "
                              "the percentile is recomputed (Finagle: 3s)")

    _shorthand = shorthand("delay", str, int, float)

    @model_validator(mode="after")
    def _one_trigger(self) -> HedgeConfig:
        if (self.delay is None) == (self.percentile is None):
            raise ValueError("set exactly one of: delay, percentile")
        return self

    def problems(self) -> list[tuple[Loc, str]]:
        if self.percentile is not None and self.min_samples > self.window:
            return [(("min_samples",), f"min_samples ({self.min_samples}) is more than the "
                                       f"window ({self.window}) keeps: no copy would be sent")]
        return []

    def to_spec(self) -> LayerSpec:
        return HedgeSpec(self.delay, self.percentile, self.max_extra, self.min_samples,
                         self.window, self.refresh)
