"""Rate limiter presets: the libraries' documented defaults (see presets/breaker.py for the
conventions).
"""

from __future__ import annotations

from typing import Any, Literal

RateLimitPreset = Literal["resilience4j"]


RATELIMIT_PRESETS: dict[str, dict[str, Any]] = {
    # §1.5 resilience4j RateLimiter: limitForPeriod 50 per limitRefreshPeriod 500 ns
    # (1e8 permits/s: effectively unlimited unless configured), timeoutDuration 5 s.
    # As a token bucket: 50 tokens, refilled at 50 / 500 ns.
    "resilience4j": {"rate": 50 / 500e-9, "burst": 50, "max_wait": 5.0},
}
