"""The ``dedup`` layer: ``- dedup: {window: 2s}`` (single-flight per key)."""

from __future__ import annotations

from pydantic import Field

from asyncsim.scenarios.base import Model
from asyncsim.scenarios.types import Duration, Scope
from asyncsim.sim.layers.dedup import DedupSpec


class DedupConfig(Model):
    """Single-flight per key: requests for a key with a call in flight wait for that call."""

    window: Duration = Field(
        default=0.0, ge=0, description="also hand out a successful result this long after it "
                                 "completed (SWR's dedupingInterval); failures never")
    scope: Scope = Field(default="shared", description="client: per simulated client; "
                                                       "shared: for everyone")

    def to_spec(self) -> DedupSpec:
        return DedupSpec(self.window, self.scope)
