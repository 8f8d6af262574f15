"""Bulkhead presets: the libraries' documented defaults (see presets/breaker.py for the
conventions).
"""

from __future__ import annotations

from typing import Any, Literal

BulkheadPreset = Literal["resilience4j", "polly-8"]


BULKHEAD_PRESETS: dict[str, dict[str, Any]] = {
    # §1.5 resilience4j semaphore Bulkhead: maxConcurrentCalls 25, maxWaitDuration 0.
    "resilience4j": {"max_concurrent": 25, "max_wait": 0.0},
    # §1.6 Polly v8 ConcurrencyLimiter (the bulkhead's successor): PermitLimit 1000,
    # QueueLimit 0.
    "polly-8": {"max_concurrent": 1000, "max_queue": 0},
}
