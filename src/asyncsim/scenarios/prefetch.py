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

from typing import Any, Literal

from pydantic import Field, PositiveInt, model_validator

from asyncsim.scenarios.base import Model
from asyncsim.scenarios.distributions import DistributionConfig
from asyncsim.scenarios.units import Duration
from asyncsim.sim.workload.units.navigation import PrefetchSpec

PresetName = Literal["solid-router", "tanstack-router", "unpoly", "lesson"]

PRESETS: dict[str, dict[str, Any]] = {
    # library-defaults.md §1.1 and §1.12: Solid Router starts preloadRoute 20 ms after
    # mousemove (src/data/events.ts); its query() reuses an entry < PRELOAD_TIMEOUT = 5000 ms.
    "solid-router": {"on": "hover", "delay": 0.020, "keep": "ttl", "ttl": 5.0},
    # §1.12: TanStack Router defaultPreloadDelay ?? 50 ms; defaultPreloadStaleTime 30 s.
    "tanstack-router": {"on": "hover", "delay": 0.050, "keep": "ttl", "ttl": 30.0},
    # §1.12: Unpoly up.link.config.preloadDelay 90 ms; preloaded responses go to its cache.
    "unpoly": {"on": "hover", "delay": 0.090, "keep": "cache"},
    # §1.12: the tutorial's "hover 200 ms" knob; the data is used by the next click.
    "lesson": {"on": "hover", "delay": 0.200, "keep": "once"},
}


class NavigationConfig(Model):
    """Users hover links; some hovers end in a click that needs the linked page's data."""

    hover_time: DistributionConfig = Field(
        description="how long the pointer stays on a link (ending in a click, or leaving)")
    click_probability: float = Field(ge=0, le=1, description="share of hovers that click")
    click_after: DistributionConfig | None = Field(
        default=None, description="hover time of the hovers that click (default: hover_time)")
    press_lead: Duration | None = Field(
        default=None, ge=0, description="focus/touchstart/mousedown to click, for "
        "prefetch on: press")


class PrefetchConfig(Model):
    """When to start fetching a page before the click, and how long to keep what came."""

    preset: PresetName | None = Field(default=None, description="a library's defaults")
    on: Literal["hover", "press", "route"] | None = Field(
        default=None, description="hover: after delay on the link; press: at focus/touch/"
        "mousedown; route: the most likely next pages once a page loaded")
    delay: Duration | None = Field(default=None, ge=0,
                                   description="hover: how long the pointer must stay")
    keep: Literal["once", "ttl", "cache"] | None = Field(
        default=None, description="once: used by one click; ttl: usable for ttl; cache: "
        "left to the strategy's cache layer")
    ttl: Duration | None = Field(default=None, gt=0, description="keep: ttl")
    count: PositiveInt | None = Field(default=None, description="route: pages to prefetch")

    @model_validator(mode="before")
    @classmethod
    def _preset_shorthand(cls, value: Any) -> Any:
        return {"preset": value} if isinstance(value, str) else value

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
        """The preset's values, overridden by the fields set explicitly."""
        merged = dict(PRESETS[self.preset]) if self.preset else {}
        for name in ("on", "delay", "keep", "ttl", "count"):
            if getattr(self, name) is not None:
                merged[name] = getattr(self, name)
        if merged.get("keep") not in (None, "ttl"):
            merged.pop("ttl", None)
        return merged

    def to_behaviour(self) -> PrefetchSpec:
        s = self.settings()
        return PrefetchSpec(on=s["on"], delay_s=s.get("delay") or 0.0,
                            keep=s.get("keep") or "once", ttl_s=s.get("ttl") or float("inf"),
                            count=s.get("count") or 1)

