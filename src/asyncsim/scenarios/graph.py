"""A backend's calls to other backends, as written in a scenario.

```yaml
backends:
  api:
    workers: 8
    latency: {exponential: 5ms}          # its own work, before the calls
    calls:
      - call: {backend: db, layers: [{retry: {max_attempts: 3}}]}
      - parallel: [{backend: search}, {backend: recs, layers: [{timeout: 200ms}]}]
    - fanout: {backend: leaf, n: 100, wait: all, layers: [{hedge: {percentile: 95}}]}
    after: 2ms                           # its own work after the calls
    blocking: true                       # hold the worker while waiting (default)
```
``- call: db`` is short for ``- call: {backend: db}``. See sim/graph.py for what runs.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, PositiveInt

from asyncsim.scenarios.base import Loc, Model, OneOf, Problems, shorthand
from asyncsim.scenarios.strategy import LayerItem
from asyncsim.sim.fanout import FanOutSpec
from asyncsim.sim.graph import HopSpec, Step

MAX_FANOUT = 10_000
"""Leaves of one fan-out: each is a layer chain built per strategy run."""


class CallConfig(Model):
    """One call to another backend through its own layers (outermost first)."""

    backend: str = Field(description="the backend called")
    layers: list[LayerItem] = Field(
        default_factory=list, description="resilience on this hop: retry, timeout, breaker, "
                                          "cache, hedge, ... (as in a strategy)")

    _shorthand = shorthand("backend", str)

    def problems(self, at: Loc) -> Problems:
        """Cross-field problems of the call itself, located from ``at`` (the step)."""
        return []

    def to_sim(self) -> HopSpec:
        return HopSpec(self.backend, tuple(item.to_spec() for item in self.layers))


class FanOutConfig(CallConfig):
    """``n`` calls to the backend in parallel (shards or replicas), each through ``layers``
    (a hedge or tied request per leaf); the step waits for all of them, the first, or a
    quorum of ``k``."""

    n: PositiveInt = Field(le=MAX_FANOUT, strict=True,
                           description="leaves called in parallel (shards or replicas)")
    wait: Literal["all", "first"] | PositiveInt = Field(
        default="all", description="how many successful leaves end the step: all, first, "
                                   "or k (a quorum, at most n)")

    @property
    def k(self) -> int:
        if self.wait == "all":
            return self.n
        if self.wait == "first":
            return 1
        return int(self.wait)

    def problems(self, at: Loc) -> Problems:
        if isinstance(self.wait, int) and self.wait > self.n:
            return [((*at, "wait"),
                     f"the fan-out waits for {self.wait} leaves but calls only n = {self.n} "
                     f"(allowed: all, first, or 1..{self.n})")]
        return []

    def to_sim(self) -> HopSpec:
        return FanOutSpec(self.backend, tuple(item.to_spec() for item in self.layers),
                          n=self.n, k=min(self.k, self.n))


class StepConfig(OneOf):
    """One step of a backend's work: a call, calls in parallel (waiting for all), or a
    fan-out of one call to n leaves."""

    call: CallConfig | None = None
    parallel: list[CallConfig] | None = Field(default=None, min_length=1)
    fanout: FanOutConfig | None = None

    def hops(self) -> list[CallConfig]:
        if self.fanout is not None:
            return [self.fanout]
        return [self.call] if self.call is not None else list(self.parallel or [])

    def to_sim(self) -> Step:
        return tuple(call.to_sim() for call in self.hops())

    def where(self) -> list[tuple[tuple[Any, ...], CallConfig]]:
        """Each call with its loc relative to the step."""
        if self.call is not None:
            return [(("call",), self.call)]
        if self.fanout is not None:
            return [(("fanout",), self.fanout)]
        return [(("parallel", i), call) for i, call in enumerate(self.parallel or [])]
