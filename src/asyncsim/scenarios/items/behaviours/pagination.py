"""A changing feed and the ways to page through it, as written in a scenario.

```yaml
workload:
  target: feed
  arrivals: {poisson: 1/s}             # reading sessions per second
  feed: {items: 5000, inserts: 0.5/s, page_size: 20, pages: 10, read_time: 4.9s}
strategies:
  offset: [{pagination: offset}]
  cursor: [{pagination: cursor}]
  infinite-tanstack: [{pagination: {kind: cursor, prefetch_within: 5, preset: tanstack-query-v5}}]
```
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, NonNegativeInt

from asyncsim.scenarios.base import WithPreset, shorthand
from asyncsim.scenarios.presets.pagination import PAGINATION_PRESETS, PaginationPreset
from asyncsim.sim.workload.units.feed_session import PaginationSpec, Refetch


class PaginationConfig(WithPreset):
    """How a strategy pages: offset or cursor, infinite-scroll prefetch, refetch policy."""

    kind: Literal["offset", "cursor"] = Field(
        description="offset: OFFSET n LIMIT k; cursor: WHERE id < last_seen LIMIT k")
    preset: PaginationPreset | None = Field(
        default=None, description="an infinite-query library's refetch behaviour")
    prefetch_within: NonNegativeInt | None = Field(
        default=None, description="infinite scroll: ask for the next page when the reader "
        "is this many items from the end (default: when they reach it)")
    refetch: Literal["none", "all", "first"] | None = Field(
        default=None, description="on refocus: all loaded pages in order (TanStack), the "
        "first page and pages whose cursor changed (SWR), or none")

    _shorthand = shorthand("kind", str)

    PRESETS: ClassVar[Mapping[str, Mapping[str, Any]]] = PAGINATION_PRESETS
    DEFAULTS: ClassVar[Mapping[str, Any]] = {"refetch": "none"}

    def to_behaviour(self) -> PaginationSpec:
        refetch: Refetch = self.settings()["refetch"]
        return PaginationSpec(self.kind, self.prefetch_within, refetch)
