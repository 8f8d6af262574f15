"""The ``polling`` item of live views: ``- polling: {preset: swr-2, interval: 10s}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from asyncsim.scenarios.base import Problems, WithPreset, shorthand
from asyncsim.scenarios.presets.live import POLLING_PRESETS, LivePreset
from asyncsim.scenarios.types import Duration
from asyncsim.sim.workload.polling import PollingSpec


class PollingConfig(WithPreset):
    """Refetch each view's key on a timer."""

    preset: LivePreset | None = Field(
        default=None, description="start from a library's documented behaviour; fields written "
                                  "next to it override the preset's values")

    interval: Duration = Field(gt=0, description="time between polls")
    mode: Literal["fixed_rate", "after_completion"] | None = Field(
        default=None, description="fixed_rate: every interval from mount, a tick joins a fetch "
                                  "in flight (TanStack); after_completion: interval after the "
                                  "previous poll completed (SWR) (default: fixed_rate)")
    in_background: bool | None = Field(
        default=None, description="keep polling while the tab is hidden (default: false)")
    smart: bool | None = Field(
        default=None, description="pause while hidden; when shown, fetch at once and restart "
                                  "the timer (default: false)")
    skip_on_error: bool | None = Field(
        default=None, description="skip ticks while the last fetch failed, until something "
                                  "else fetches successfully (SWR) (default: false)")

    _shorthand = shorthand("interval", str, int, float)

    PRESETS: ClassVar[Mapping[str, Mapping[str, Any]]] = POLLING_PRESETS
    DEFAULTS: ClassVar[Mapping[str, Any]] = {"mode": "fixed_rate", "in_background": False,
                                          "smart": False, "skip_on_error": False}

    def problems(self) -> Problems:
        v = self.settings()
        if v["smart"] and v["in_background"]:
            field = "in_background" if "in_background" in self.given() else "smart"
            return [((field,), "smart polling pauses while the tab is hidden: it cannot "
                               "also poll in the background (in_background: false)")]
        return []

    def to_behaviour(self) -> PollingSpec:
        v = self.settings()
        return PollingSpec(v["interval"], v["mode"], v["in_background"], v["smart"],
                           v["skip_on_error"])
