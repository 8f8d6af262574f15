"""A changing feed, read page by page, as written in a scenario.

See items/behaviours/pagination.py for the example.
"""

from __future__ import annotations

from pydantic import Field, PositiveInt

from asyncsim.scenarios.base import Model
from asyncsim.scenarios.distributions import DistributionConfig
from asyncsim.scenarios.types import Duration, Rate
from asyncsim.sim.workload.feed import FeedSpec


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
