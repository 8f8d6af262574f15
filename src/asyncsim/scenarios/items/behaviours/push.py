"""The ``push`` item of live views: a push channel delivering every change after a delay."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from asyncsim.lang.units import format_duration
from asyncsim.scenarios.base import Model, Problems
from asyncsim.scenarios.distributions import DistributionConfig
from asyncsim.scenarios.types import Duration, Rate
from asyncsim.sim.distributions import Constant
from asyncsim.sim.workload.push import PushSpec


class PushConfig(Model):
    """A push channel per user and key, delivering every change after a delay."""

    delay: DistributionConfig | None = Field(
        default=None, description="from a change to its delivery (default: 0s)")
    disconnects: Rate = Field(default=0.0, ge=0,
                              description="rate at which a connected channel breaks "
                                          "(default: never; going offline breaks it too)")
    reconnect_base: Duration = Field(
        default=0.5, gt=0, description="reconnect attempt k waits min(reconnect_cap, "
                                       "reconnect_base·2^k) (default 500ms, cap 10s: Solid "
                                       "Router liveQuery, docs/library-defaults.md §1.1)")
    reconnect_cap: Duration = Field(default=10.0, gt=0,
                                    description="the longest wait between reconnect attempts")
    resync: bool = Field(default=True, description="fetch the key after reconnecting, to "
                                                   "catch up what was missed")
    when_hidden: Literal["keep", "close"] = Field(
        default="keep", description="keep the channel while the tab is hidden, or close it "
                                    "and reopen (with a resync) when shown")

    def problems(self) -> Problems:
        if self.reconnect_cap < self.reconnect_base:
            return [(("reconnect_cap",),
                     f"reconnect_cap {format_duration(self.reconnect_cap)} is shorter than "
                     f"reconnect_base {format_duration(self.reconnect_base)}")]
        return []

    def to_behaviour(self) -> PushSpec:
        delay = self.delay.to_sim() if self.delay is not None else Constant(0.0)
        return PushSpec(delay, self.disconnects, self.reconnect_base, self.reconnect_cap,
                        self.resync, self.when_hidden)
