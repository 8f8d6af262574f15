"""Client-side adaptive throttling presets (see presets/breaker.py for the conventions)."""

from __future__ import annotations

from typing import Any, Literal

ThrottlePreset = Literal["sre"]

THROTTLE_PRESETS: dict[str, dict[str, Any]] = {
    # docs/systems.md, "Retries across tiers": Google SRE book, "Handling Overload",
    # client-side throttling: reject with probability max(0, (requests - K accepts) /
    # (requests + 1)) over a 2-minute window, K = 2.
    "sre": {"k": 2.0, "window": 120.0},
}
