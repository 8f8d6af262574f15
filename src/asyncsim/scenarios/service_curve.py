"""A backend's ``service_curve:``: its service time as a function of the calls in service.

```yaml
backends:
  api:
    latency: {exponential: 20ms}
    service_curve: {multiplier: {1: 1, 8: 1, 16: 3}}      # x1 up to 8 in service, x3 at 16
    service_curve: {latency: {1: 20ms, 8: 20ms, 16: 60ms}}  # the same, as mean latencies
```
Linear between the points, flat beyond the first and the last (sim/service_curve.py). A
latency point is the mean service time at that concurrency: it is divided by the mean of
``latency`` to give the multiplier, so the distribution's shape is kept. It generalises
``concurrency_factor`` f, which is the line {1: 1, n: 1 + f (n - 1)}.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, PositiveInt

from asyncsim.scenarios.base import OneOf, Problems
from asyncsim.scenarios.types import Duration

MAX_MULTIPLIER = 1000.0
"""As a slowdown fault's factor: slower than 1000x is an outage, not a service time."""

Multiplier = Annotated[float, Field(gt=0, le=MAX_MULTIPLIER)]


class ServiceCurveConfig(OneOf):
    """Points (calls in service -> service-time multiplier, or -> mean latency)."""

    multiplier: dict[PositiveInt, Multiplier] | None = Field(
        default=None, min_length=1,
        description="calls in service -> service-time multiplier (above 0, at most 1000)")
    latency: dict[PositiveInt, Duration] | None = Field(
        default=None, min_length=1,
        description="calls in service -> mean service time (divided by the latency "
                    "distribution's mean)")

    def problems(self, mean_s: float) -> Problems:
        if self.latency is None:
            return []
        zero = [n for n, latency in self.latency.items() if latency <= 0]
        if zero:
            return [(("latency", zero[0]), "a mean latency must be above 0")]
        if mean_s <= 0:     # (an infinite mean is refused with the latency itself)
            return [(("latency",), "a latency curve needs a backend latency with a mean "
                                   "above 0 (it divides the points); write multiplier "
                                   "points instead")]
        return [(("latency", n), f"{latency:g} s is {latency / mean_s:.3g}x the backend's mean "
                                 f"latency ({mean_s:.3g} s); at most {MAX_MULTIPLIER:g}x")
                for n, latency in self.latency.items() if latency / mean_s > MAX_MULTIPLIER]

    def to_sim(self, mean_s: float) -> tuple[tuple[int, float], ...]:
        if self.multiplier is not None:
            return tuple(sorted(self.multiplier.items()))
        assert self.latency is not None
        return tuple(sorted((n, latency / mean_s) for n, latency in self.latency.items()))
