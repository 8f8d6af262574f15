"""A backend's calls to other backends, as written in a scenario.

```yaml
backends:
  api:
    workers: 8
    latency: {exponential: 5ms}          # its own work, before the calls
    calls:
      - call: {backend: db, layers: [{retry: {max_attempts: 3}}]}
      - parallel: [{backend: search}, {backend: recs, layers: [{timeout: 200ms}]}]
    after: 2ms                           # its own work after the calls
    blocking: true                       # hold the worker while waiting (default)
```
``- call: db`` is short for ``- call: {backend: db}``. See sim/graph.py for what runs.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from asyncsim.scenarios.base import Model, OneOf, shorthand
from asyncsim.scenarios.strategy import LayerItem
from asyncsim.sim.graph import HopSpec, Step


class CallConfig(Model):
    """One call to another backend through its own layers (outermost first)."""

    backend: str = Field(description="the backend called")
    layers: list[LayerItem] = Field(
        default_factory=list, description="resilience on this hop: retry, timeout, breaker, "
                                          "cache, hedge, ... (as in a strategy)")

    _shorthand = shorthand("backend", str)

    def to_sim(self) -> HopSpec:
        return HopSpec(self.backend, tuple(item.to_spec() for item in self.layers))


class StepConfig(OneOf):
    """One step of a backend's work: a call, or calls in parallel (waiting for all)."""

    call: CallConfig | None = None
    parallel: list[CallConfig] | None = Field(default=None, min_length=1)

    def hops(self) -> list[CallConfig]:
        return [self.call] if self.call is not None else list(self.parallel or [])

    def to_sim(self) -> Step:
        return tuple(call.to_sim() for call in self.hops())

    def where(self) -> list[tuple[tuple[Any, ...], CallConfig]]:
        """Each call with its loc relative to the step."""
        if self.call is not None:
            return [(("call",), self.call)]
        return [(("parallel", i), call) for i, call in enumerate(self.parallel or [])]
