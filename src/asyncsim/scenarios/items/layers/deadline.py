"""The ``deadline`` layer: ``- deadline: 5s``, above a retry layer."""

from __future__ import annotations

from pydantic import Field

from asyncsim.scenarios.base import Model, shorthand
from asyncsim.scenarios.types import Duration
from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.layers.timeout import TimeoutSpec


class DeadlineConfig(Model):
    """An overall deadline across attempts: put it above a retry layer.

    The same mechanism as a timeout, but it says what it is for: the request, retries and
    backoff included, must finish by then; the retry layer below stops retrying when a
    retry could no longer start in time.
    """

    after: Duration = Field(gt=0, description="how long the whole request may take")

    _shorthand = shorthand("after", str, int, float)

    def to_spec(self) -> LayerSpec:
        return TimeoutSpec(self.after, "shared", kind="deadline")
