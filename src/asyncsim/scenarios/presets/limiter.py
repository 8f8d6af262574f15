"""Adaptive concurrency limiter presets (see presets/breaker.py for the conventions)."""

from __future__ import annotations

from typing import Any, Literal

LimiterPreset = Literal["netflix-aimd"]

LIMITER_PRESETS: dict[str, dict[str, Any]] = {
    # Netflix/concurrency-limits, concurrency-limits-core/src/main/java/com/netflix/
    # concurrency/limits/limit/AIMDLimit.java, Builder defaults: minLimit 20, initialLimit
    # 20, maxLimit 200, backoffRatio 0.9, timeout 5 s (docs/library-defaults.md, "Netflix
    # concurrency-limits").
    "netflix-aimd": {"algorithm": "aimd", "initial_limit": 20, "min_limit": 20,
                     "max_limit": 200, "backoff_ratio": 0.9, "timeout": 5.0},
}
