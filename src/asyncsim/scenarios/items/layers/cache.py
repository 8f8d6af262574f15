"""The ``cache`` layer as written in a scenario.

```yaml
strategies:
  ttl:   [cache: {ttl: 60s, max_entries: 5000}]
  swr:   [cache: {fresh_for: 10s, stale_for: 5m, coalesce: true}]
  tq:    [cache: {preset: tanstack-query-v5, fresh_for: 10s}]
```
Every field is optional: a preset's value fills what is not written, then the defaults
below. Contradictions between fields are reported by ``problems()`` at the field to change.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, PositiveFloat, PositiveInt

from asyncsim.lang.units import format_duration
from asyncsim.scenarios.base import Problems, WithPreset, shorthand
from asyncsim.scenarios.presets.cache import CACHE_PRESETS, CachePreset
from asyncsim.scenarios.types import DurationOrNever, Scope
from asyncsim.sim.layers.cache.layer import CacheSpec
from asyncsim.sim.layers.cache.store import Eviction

Expiry = Literal["insertion", "sliding"]


class CacheConfig(WithPreset):
    """A cache in front of the layers below it; a hit answers at once, without a call."""

    preset: CachePreset | None = Field(
        default=None, description="start from a library's documented behaviour; fields written "
                                  "next to it override the preset's values")
    ttl: DurationOrNever | None = Field(
        default=None, ge=0, description="how long an entry is kept (default: forever); 0s "
                                        "keeps nothing")
    expiry: Expiry | None = Field(
        default=None, description="insertion: ttl counts from the fetch (default); sliding: "
                                  "from the last request for the key (idle expiry, gcTime)")
    fresh_for: DurationOrNever | None = Field(
        default=None, ge=0, description="an entry this young (since its fetch completed) is "
                                        "served as fresh (default: ttl)")
    stale_for: DurationOrNever | None = Field(
        default=None, ge=0, description="an older entry this young is served stale at once and "
                                        "revalidated in the background; older is a blocking "
                                        "miss (default: fresh_for, i.e. no stale serving)")
    max_entries: PositiveInt | None = Field(
        default=None, description="size limit; a full cache evicts one entry per insertion "
                                  "(default: no limit)")
    eviction: Eviction | None = Field(
        default=None, description="which entry a full cache evicts (default: lru)")
    error_ttl: DurationOrNever | None = Field(
        default=None, ge=0, description="remember a failed fetch this long and answer it "
                                        "without calling (negative caching; default: 0s, off)")
    xfetch_beta: PositiveFloat | None = Field(
        default=None, description="probabilistic early expiration (XFetch) with this beta, "
                                  "typically 1 (default: off)")
    coalesce: bool | None = Field(
        default=None, description="misses for a key with a fetch in flight wait for it "
                                  "instead of calling again (default: false)")
    scope: Scope | None = Field(
        default=None, description="client: one cache per simulated client (a browser); "
                                  "shared: one for everyone (a CDN) (default: shared)")

    _shorthand = shorthand("ttl", str, int, float)

    PRESETS: ClassVar[Mapping[str, Mapping[str, Any]]] = CACHE_PRESETS

    def settings(self) -> dict[str, Any]:
        """Every field's value: written, else the preset's, else the default (some defaults
        follow other fields: fresh_for defaults to ttl, stale_for to fresh_for)."""
        values = super().settings()
        ttl = values.setdefault("ttl", math.inf)
        sliding = values.setdefault("expiry", "insertion") == "sliding"
        fresh_for = values.setdefault("fresh_for", math.inf if sliding else ttl)
        values.setdefault("stale_for", fresh_for)
        for name, default in (("max_entries", None), ("eviction", "lru"), ("error_ttl", 0.0),
                              ("xfetch_beta", None), ("coalesce", False), ("scope", "shared")):
            values.setdefault(name, default)
        return values

    def problems(self) -> Problems:
        return [((name,), message) for name, message in cache_problems(self)]

    def to_spec(self) -> CacheSpec:
        v = self.settings()
        return CacheSpec(ttl_s=v["ttl"], sliding=v["expiry"] == "sliding",
                         fresh_for_s=v["fresh_for"], stale_for_s=v["stale_for"],
                         max_entries=v["max_entries"], eviction=v["eviction"],
                         error_ttl_s=v["error_ttl"], xfetch_beta=v["xfetch_beta"],
                         coalesce=v["coalesce"], scope=v["scope"])


def cache_problems(config: CacheConfig) -> list[tuple[str, str]]:
    """(field, message) for settings that contradict each other; the field is one the user
    wrote when possible, else ``preset``."""
    v = config.settings()
    given = config.given()

    def at(*names: str) -> str:
        return next((name for name in names if name in given), "preset")

    def show(name: str) -> str:
        origin = ("" if name in given or config.preset is None
                  else f" (from preset {config.preset})")
        return f"{name} {format_duration(v[name])}{origin}"

    problems: list[tuple[str, str]] = []
    if v["stale_for"] < v["fresh_for"]:
        problems.append((at("stale_for", "fresh_for"),
                         f"{show('stale_for')} is shorter than {show('fresh_for')}: both count "
                         "from the fetch, and an entry is stale only after it stops being fresh"))
    elif v["expiry"] == "insertion" and v["stale_for"] > v["ttl"]:
        name = "stale_for" if v["stale_for"] > v["fresh_for"] else "fresh_for"
        problems.append((at(name, "ttl"), f"{show(name)} is longer than {show('ttl')}: entries "
                                          "are removed at ttl, so the rest is never reached"))
    if v["expiry"] == "sliding" and v["ttl"] == math.inf:
        problems.append((at("expiry"), "expiry: sliding needs a finite ttl (how long an "
                                       "unused entry is kept)"))
    if "eviction" in given and v["max_entries"] is None:
        problems.append(("eviction", "eviction needs max_entries: without a size limit "
                                     "nothing is ever evicted"))
    if v["xfetch_beta"] is not None and v["fresh_for"] == math.inf:
        problems.append((at("xfetch_beta"), "xfetch_beta needs a finite fresh_for or ttl: it "
                                            "refreshes entries ahead of their expiry"))
    return problems
