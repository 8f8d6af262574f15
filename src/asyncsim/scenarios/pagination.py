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

from typing import Any, Literal

from pydantic import Field, NonNegativeInt, PositiveInt, model_validator

from asyncsim.scenarios.base import Model
from asyncsim.scenarios.distributions import DistributionConfig
from asyncsim.scenarios.units import Duration, Rate
from asyncsim.sim.workload.feed import FeedSpec
from asyncsim.sim.workload.units.feed_session import PaginationSpec, Refetch

PresetName = Literal["tanstack-query-v5", "swr-2"]

PRESETS: dict[str, Refetch] = {
    # library-defaults.md §1.2: infinite queries refetch all cached pages sequentially from
    # the first page (maxPages null by default).
    "tanstack-query-v5": "all",
    # §1.3: useSWRInfinite revalidateFirstPage=true, revalidateAll=false, parallel=false:
    # page 0 is refetched, plus missing or changed pages.
    "swr-2": "first",
}


class FeedConfig(Model):
    """A newest-first list with inserts at the head and deletions, read page by page."""

    items: PositiveInt = Field(description="items in the feed at the start")
    inserts: Rate = Field(default=0.0, ge=0, description="new items at the head per time")
    deletes: Rate = Field(default=0.0, ge=0, description="items deleted (any one) per time")
    page_size: PositiveInt = Field(description="items per page")
    pages: PositiveInt = Field(description="pages a reading session goes through")
    read_time: DistributionConfig = Field(description="time to read one page")
    refocus: float = Field(
        default=0.0, ge=0, le=1,
        description="chance the tab lost and regained focus while a page was read, which "
        "makes the library refetch (per the strategy's refetch)")
    offset_cost: Duration = Field(
        default=0.0, ge=0, description="backend service time per row an offset query skips")

    def to_sim(self) -> FeedSpec:
        return FeedSpec(self.items, self.inserts, self.deletes)


class PaginationConfig(Model):
    """How a strategy pages: offset or cursor, infinite-scroll prefetch, refetch policy."""

    kind: Literal["offset", "cursor"] = Field(
        description="offset: OFFSET n LIMIT k; cursor: WHERE id < last_seen LIMIT k")
    preset: PresetName | None = Field(
        default=None, description="an infinite-query library's refetch behaviour")
    prefetch_within: NonNegativeInt | None = Field(
        default=None, description="infinite scroll: ask for the next page when the reader "
        "is this many items from the end (default: when they reach it)")
    refetch: Literal["none", "all", "first"] | None = Field(
        default=None, description="on refocus: all loaded pages in order (TanStack), the "
        "first page and pages whose cursor changed (SWR), or none")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"kind": value} if isinstance(value, str) else value

    def to_behaviour(self) -> PaginationSpec:
        refetch: Refetch = self.refetch or (PRESETS[self.preset] if self.preset else "none")
        return PaginationSpec(self.kind, self.prefetch_within, refetch)
