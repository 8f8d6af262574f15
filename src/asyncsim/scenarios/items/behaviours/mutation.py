"""The ``mutation`` item of live views: how a user's change shows (pessimistic, optimistic)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from asyncsim.scenarios.base import WithPreset
from asyncsim.scenarios.presets.live import MUTATION_PRESETS, LivePreset
from asyncsim.sim.workload.mutations import MutationModeSpec


class MutationConfig(WithPreset):
    """How a user's change shows: after the server answers, or at once (optimistic)."""

    preset: LivePreset | None = Field(
        default=None, description="start from a library's documented behaviour; fields written "
                                  "next to it override the preset's values")

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

    PRESETS: ClassVar[Mapping[str, Mapping[str, Any]]] = MUTATION_PRESETS

    def defaults(self) -> dict[str, Any]:
        """populate and refetch_after default by mode: a refetch mode shows the refetch."""
        mode = self.mode or (MUTATION_PRESETS[self.preset]["mode"] if self.preset
                             else "pessimistic")
        refetch = mode == "optimistic_refetch"
        return {"mode": "pessimistic", "populate": not refetch, "refetch_after": refetch,
                "race_guard": "none"}

    def to_behaviour(self) -> MutationModeSpec:
        v = self.settings()
        return MutationModeSpec(v["mode"], v["populate"], v["refetch_after"], v["race_guard"])
