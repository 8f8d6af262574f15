"""Data versions: how each key's value changes over time, so staleness can be measured.

The foundation ships :class:`StaticData` (values never change). A changing-data model
implements the same two methods.
"""

from __future__ import annotations

from typing import Protocol

from asyncsim.sim.engine import RandomStreams


class DataModel(Protocol):
    def version(self, key: int, now: float) -> int:
        """The version of ``key`` current at ``now`` (0 before the first change)."""

    def superseded_at(self, key: int, version: int) -> float:
        """When ``version`` of ``key`` stopped being current (``inf`` if it still is)."""


class StaticData:
    """Values never change: every delivery is version 0 and never stale."""

    def version(self, key: int, now: float) -> int:
        return 0

    def superseded_at(self, key: int, version: int) -> float:
        return float("inf")


class DataSpec(Protocol):
    """Parameters of a data-change process; builds the runtime model for one backend."""

    def build(self, streams: RandomStreams, backend: str) -> DataModel: ...
