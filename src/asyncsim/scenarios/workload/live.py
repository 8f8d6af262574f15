"""The ``live`` workload as written in a scenario: users keeping views open.

```yaml
workload:
  target: stats
  users: 500
  keys: {count: 20}
  live:
    visibility: {visible: {exponential: 2m}, hidden: {exponential: 8m}}
    network: {online: {exponential: 1h}, offline: {exponential: 30s}}
    mutations: {rate: 1/min, target: writes, conflicts: reject}
```
How views are kept fresh (polling, focus revalidation, push) and how changes are shown
(pessimistic, optimistic) are strategy items: see scenarios/items/behaviours.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveInt

from asyncsim.scenarios.base import Model
from asyncsim.scenarios.distributions import DistributionConfig
from asyncsim.scenarios.types import Rate
from asyncsim.sim.workload.mutations import MutationsSpec
from asyncsim.sim.workload.visibility import AlternatingSpec


class VisibilityConfig(Model):
    """The tab is shown for a ``visible`` period, hidden for a ``hidden`` one, and so on."""

    visible: DistributionConfig = Field(description="how long the tab stays visible each time")
    hidden: DistributionConfig = Field(description="how long it stays hidden each time")

    def to_sim(self) -> AlternatingSpec:
        return AlternatingSpec(self.visible.to_sim(), self.hidden.to_sim())


class NetworkConfig(Model):
    """The user's network is up for an ``online`` period, down for an ``offline`` one."""

    online: DistributionConfig = Field(description="how long the network stays up each time")
    offline: DistributionConfig = Field(description="how long it stays down each time")

    def to_sim(self) -> AlternatingSpec:
        return AlternatingSpec(self.online.to_sim(), self.offline.to_sim())


class MutationsConfig(Model):
    """Users change what they look at (a todo list): writes with the server's latency and
    failure rate, and conflicts when several users change the same key."""

    rate: Rate = Field(gt=0, description="changes per user per unit of time its tab is visible "
                                         "and online")
    target: str | None = Field(
        default=None, description="the backend that takes the writes: its latency is the "
                                  "server's write latency, its errors.rate the failure rate "
                                  "(default: the workload's target)")
    conflicts: Literal["last_write_wins", "reject"] = Field(
        default="last_write_wins",
        description="a write to a key someone else changed since the writer's version: "
                    "commit it anyway (the other change is lost) or refuse it (HTTP 409)")

    def to_sim(self, default_target: str) -> MutationsSpec:
        return MutationsSpec(self.rate, self.target or default_target, self.conflicts)


class LiveConfig(Model):
    """Every user opens one tab during the warm-up and keeps it for the whole run."""

    views: PositiveInt = Field(default=1, description="views (panels) per tab, each showing "
                                                      "a key; views of one key share its data")
    key_assignment: Literal["random", "round_robin"] = Field(
        default="random", description="random: each view's key drawn from workload.keys; "
                                      "round_robin: keys dealt in turn (every view its own "
                                      "key when there are enough)")
    visibility: VisibilityConfig | None = Field(
        default=None, description="shown and hidden periods (default: always visible)")
    network: NetworkConfig | None = Field(
        default=None, description="online and offline periods (default: always online)")
    mutations: MutationsConfig | None = Field(
        default=None, description="users change the data they look at")
