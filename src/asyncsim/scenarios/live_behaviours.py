"""Client behaviours of live views, written as strategy items next to the layers.

```yaml
strategies:
  tanstack-polling:
    - polling: {preset: tanstack-query-v5, interval: 10s}
    - focus: {preset: tanstack-query-v5}
    - dedup: {scope: client}
  smart: [polling: {interval: 10s, smart: true}]
  push:  [push: {delay: {exponential: 300ms}, disconnects: 1/h}]
  optimistic: [mutation: {preset: swr-2}]
```
They are not layers: they tell the live workload when to fetch (and the fetches then go
down the strategy's layers). Fields left out come from the preset, then the defaults below.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from asyncsim.scenarios.base import Model
from asyncsim.scenarios.distributions import DistributionConfig
from asyncsim.scenarios.live_presets import (
    FOCUS_PRESETS,
    MUTATION_PRESETS,
    POLLING_PRESETS,
    PresetName,
)
from asyncsim.scenarios.units import Duration, Rate
from asyncsim.sim.distributions import Constant
from asyncsim.sim.workload.focus import FocusSpec
from asyncsim.sim.workload.mutations import MutationModeSpec
from asyncsim.sim.workload.polling import PollingSpec
from asyncsim.sim.workload.push import PushSpec


class _Preset(Model):
    """A config whose unset fields come from the preset's entry in ``PRESETS``, then from
    ``DEFAULTS``."""

    PRESETS: ClassVar[dict[str, dict[str, Any]]] = {}
    DEFAULTS: ClassVar[dict[str, Any]] = {}

    preset: PresetName | None = Field(
        default=None, description="start from a library's documented behaviour; fields written "
                                  "next to it override the preset's values")

    def _defaults(self) -> dict[str, Any]:
        return self.DEFAULTS

    def given(self) -> set[str]:
        return {name for name in self.model_fields_set
                if name != "preset" and getattr(self, name) is not None}

    def settings(self) -> dict[str, Any]:
        values = dict(self._defaults())
        if self.preset is not None:
            values.update(self.PRESETS[self.preset])
        values.update({name: getattr(self, name) for name in self.given()})
        return values


class PollingConfig(_Preset):
    """Refetch each view's key on a timer."""

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

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"interval": value} if isinstance(value, str | int | float) else value

    PRESETS: ClassVar[dict[str, dict[str, Any]]] = POLLING_PRESETS
    DEFAULTS: ClassVar[dict[str, Any]] = {"mode": "fixed_rate", "in_background": False,
                                          "smart": False, "skip_on_error": False}

    def to_behaviour(self) -> PollingSpec:
        v = self.settings()
        return PollingSpec(v["interval"], v["mode"], v["in_background"], v["smart"],
                           v["skip_on_error"])


class FocusConfig(_Preset):
    """Refetch when the tab is shown again (focus) or the network comes back (reconnect)."""

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

    PRESETS: ClassVar[dict[str, dict[str, Any]]] = FOCUS_PRESETS
    DEFAULTS: ClassVar[dict[str, Any]] = {"on_focus": True, "on_reconnect": True,
                                          "throttle": 0.0, "stale_time": 0.0,
                                          "active_only": False}

    def to_behaviour(self) -> FocusSpec:
        v = self.settings()
        return FocusSpec(v["on_focus"], v["on_reconnect"], v["throttle"], v["stale_time"],
                         v["active_only"])


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
                                       "Router liveQuery, library-defaults.md §1.1)")
    reconnect_cap: Duration = Field(default=10.0, gt=0,
                                    description="the longest wait between reconnect attempts")
    resync: bool = Field(default=True, description="fetch the key after reconnecting, to "
                                                   "catch up what was missed")
    when_hidden: Literal["keep", "close"] = Field(
        default="keep", description="keep the channel while the tab is hidden, or close it "
                                    "and reopen (with a resync) when shown")

    def to_behaviour(self) -> PushSpec:
        delay = self.delay.to_sim() if self.delay is not None else Constant(0.0)
        return PushSpec(delay, self.disconnects, self.reconnect_base, self.reconnect_cap,
                        self.resync, self.when_hidden)


class MutationConfig(_Preset):
    """How a user's change shows: after the server answers, or at once (optimistic)."""

    mode: Literal["pessimistic", "optimistic_rollback", "optimistic_refetch"] | None = Field(
        default=None, description="pessimistic: show the change when the server answers; "
                                  "optimistic_rollback: show it at once, restore the snapshot "
                                  "if the write fails; optimistic_refetch: show it at once "
                                  "until a refetch after the write shows the server's value "
                                  "(default: pessimistic)")
    populate: bool | None = Field(
        default=None, description="show the write's answer when it succeeds (default: true, "
                                  "false for optimistic_refetch)")
    refetch_after: bool | None = Field(
        default=None, description="refetch the key once the write settled (default: false, "
                                  "true for optimistic_refetch)")
    race_guard: Literal["none", "cancel", "discard"] | None = Field(
        default=None, description="none: fetch answers arriving while a change shows replace it; "
                                  "cancel: abandon the fetch in flight when changing "
                                  "(TanStack cancelQueries); discard: drop answers overlapping "
                                  "a pending change (SWR) (default: none)")

    PRESETS: ClassVar[dict[str, dict[str, Any]]] = MUTATION_PRESETS

    def _defaults(self) -> dict[str, Any]:
        """populate and refetch_after default by mode: a refetch mode shows the refetch."""
        mode = self.mode or (MUTATION_PRESETS[self.preset]["mode"] if self.preset
                             else "pessimistic")
        refetch = mode == "optimistic_refetch"
        return {"mode": "pessimistic", "populate": not refetch, "refetch_after": refetch,
                "race_guard": "none"}

    def to_behaviour(self) -> MutationModeSpec:
        v = self.settings()
        return MutationModeSpec(v["mode"], v["populate"], v["refetch_after"], v["race_guard"])
