"""The ``focus`` item of live views: refetch when the tab is shown or the network is back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field

from asyncsim.scenarios.base import WithPreset
from asyncsim.scenarios.presets.live import FOCUS_PRESETS, LivePreset
from asyncsim.scenarios.types import Duration
from asyncsim.sim.workload.focus import FocusSpec


class FocusConfig(WithPreset):
    """Refetch when the tab is shown again (focus) or the network comes back (reconnect)."""

    preset: LivePreset | None = Field(
        default=None, description="start from a library's documented behaviour; fields written "
                                  "next to it override the preset's values")

    on_focus: bool | None = Field(default=None, description="refetch when the tab is shown "
                                                            "(default: true)")
    on_reconnect: bool | None = Field(default=None, description="refetch when back online "
                                                                "(default: true)")
    throttle: Duration | None = Field(
        default=None, description="per view, at most one focus refetch per this long, counted "
                                  "from mount (SWR focusThrottleInterval) (default: 0s)")
    stale_time: Duration | None = Field(
        default=None, description="refetch only data older than this (TanStack staleTime) "
                                  "(default: 0s, always)")
    active_only: bool | None = Field(
        default=None, description="refetch on reconnect only while the tab is visible (SWR) "
                                  "(default: false)")

    PRESETS: ClassVar[Mapping[str, Mapping[str, Any]]] = FOCUS_PRESETS
    DEFAULTS: ClassVar[Mapping[str, Any]] = {"on_focus": True, "on_reconnect": True,
                                          "throttle": 0.0, "stale_time": 0.0,
                                          "active_only": False}

    def to_behaviour(self) -> FocusSpec:
        v = self.settings()
        return FocusSpec(v["on_focus"], v["on_reconnect"], v["throttle"], v["stale_time"],
                         v["active_only"])
