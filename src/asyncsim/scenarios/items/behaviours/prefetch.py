"""Navigation and prefetching as written in a scenario.

```yaml
workload:
  target: pages
  arrivals: {poisson: 20/s}            # hovers over links per second
  keys: {count: 500, zipf: 1.0}        # which page a link leads to
  navigation: {hover_time: {exponential: 300ms}, click_probability: 0.3}
strategies:
  no-prefetch: []
  hover-200ms: [{prefetch: {preset: lesson}}]
  tanstack-router: [{prefetch: {preset: tanstack-router}}]
```
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, PositiveInt, model_validator

from asyncsim.scenarios.base import WithPreset, shorthand
from asyncsim.scenarios.presets.prefetch import PREFETCH_PRESETS, PrefetchPreset
from asyncsim.scenarios.types import Duration, DurationOrNever
from asyncsim.sim.workload.units.navigation import PrefetchSpec


class PrefetchConfig(WithPreset):
    """When to start fetching a page before the click, and how long to keep what came."""

    preset: PrefetchPreset | None = Field(default=None, description="a library's defaults")
    on: Literal["hover", "press", "route"] | None = Field(
        default=None, description="hover: after delay on the link; press: at focus/touch/"
        "mousedown; route: the most likely next pages once a page loaded")
    delay: Duration | None = Field(default=None, ge=0,
                                   description="hover: how long the pointer must stay")
    keep: Literal["once", "ttl", "cache"] | None = Field(
        default=None, description="once: used by one click; ttl: usable for ttl; cache: "
        "left to the strategy's cache layer")
    ttl: DurationOrNever | None = Field(default=None, gt=0, description="keep: ttl")
    count: PositiveInt | None = Field(default=None, description="route: pages to prefetch")

    _shorthand = shorthand("preset", str)

    PRESETS: ClassVar[Mapping[str, Mapping[str, Any]]] = PREFETCH_PRESETS

    @model_validator(mode="after")
    def _consistent(self) -> PrefetchConfig:
        settings = self.settings()
        if settings.get("on") is None:
            raise ValueError("set on (hover, press or route) or a preset")
        if settings.get("delay") is not None and settings["on"] != "hover":
            raise ValueError("delay applies to on: hover only")
        if settings.get("count") is not None and settings["on"] != "route":
            raise ValueError("count applies to on: route only")
        if settings.get("keep") == "ttl" and settings.get("ttl") is None:
            raise ValueError("keep: ttl needs a ttl")
        if self.ttl is not None and settings.get("keep") != "ttl":
            raise ValueError("ttl applies to keep: ttl only")
        return self

    def settings(self) -> dict[str, Any]:
        """The preset's values, overridden by the fields set explicitly (a ttl only with
        keep: ttl)."""
        merged = super().settings()
        if merged.get("keep") not in (None, "ttl"):
            merged.pop("ttl", None)
        return merged

    def to_behaviour(self) -> PrefetchSpec:
        s = self.settings()
        return PrefetchSpec(on=s["on"], delay_s=s.get("delay") or 0.0,
                            keep=s.get("keep") or "once", ttl_s=s.get("ttl") or float("inf"),
                            count=s.get("count") or 1)
