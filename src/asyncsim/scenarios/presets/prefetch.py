"""Prefetch presets: routers' documented preload behaviour, as ``prefetch`` field values."""

from __future__ import annotations

from typing import Any, Literal

PrefetchPreset = Literal["solid-router", "tanstack-router", "unpoly", "lesson"]


PREFETCH_PRESETS: dict[str, dict[str, Any]] = {
    # docs/library-defaults.md §1.1 and §1.12: Solid Router starts preloadRoute 20 ms after
    # mousemove (src/data/events.ts); its query() reuses an entry < PRELOAD_TIMEOUT = 5000 ms.
    "solid-router": {"on": "hover", "delay": 0.020, "keep": "ttl", "ttl": 5.0},
    # §1.12: TanStack Router defaultPreloadDelay ?? 50 ms; defaultPreloadStaleTime 30 s.
    "tanstack-router": {"on": "hover", "delay": 0.050, "keep": "ttl", "ttl": 30.0},
    # §1.12: Unpoly up.link.config.preloadDelay 90 ms; preloaded responses go to its cache.
    "unpoly": {"on": "hover", "delay": 0.090, "keep": "cache"},
    # §1.12: the tutorial's "hover 200 ms" knob; the data is used by the next click.
    "lesson": {"on": "hover", "delay": 0.200, "keep": "once"},
}
