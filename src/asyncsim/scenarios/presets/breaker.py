"""Presets of breakers, bulkheads and rate limiters: the libraries' documented defaults.

Every number below is copied from docs/library-defaults.md (the section
is cited per preset), in the units of the scenario fields: seconds for durations,
percent for rates. A preset fills the fields a scenario does not set; fields written in
the scenario win (``- breaker: {preset: resilience4j, open_for: 10s}``).
"""

from __future__ import annotations

import math
from typing import Any, Literal

BreakerPreset = Literal["resilience4j", "polly-8", "pybreaker", "finagle"]


BREAKER_DEFAULTS: dict[str, Any] = {
    # Without a preset: a consecutive-failure breaker (5 failures, 60 s open, one probe),
    # the behaviour pybreaker and Finagle share; the window fields take resilience4j's
    # values (§1.5) for whoever switches to a count or time window.
    "window": "consecutive",
    "consecutive_failures": 5,
    "window_size": 100,
    "window_duration": 60.0,
    "buckets": None,                 # one per second, as resilience4j TIME_BASED
    "failure_rate_threshold": 50.0,
    "slow_call_rate_threshold": None,
    "slow_call_duration": math.inf,
    "minimum_calls": 100,
    "trip_when": "at_or_above",
    "open_for": 60.0,
    "open_multiplier": 1.0,
    "open_max": math.inf,
    "open_jitter": "none",
    "half_open_calls": 1,
    "half_open_successes": 1,
    "half_open_max_wait": 0.0,       # 0: a trial may last forever
    "half_open_reprobe": False,
    "failure_on": ["error", "timeout", "rejected"],
}


BREAKER_PRESETS: dict[str, dict[str, Any]] = {
    # §1.5 resilience4j CircuitBreakerConfig defaults (and §3): COUNT_BASED window of 100
    # calls, minimumNumberOfCalls 100, failureRateThreshold 50 %, slowCallRateThreshold
    # 100 % over slowCallDurationThreshold 60 s, waitDurationInOpenState 60 s,
    # permittedNumberOfCallsInHalfOpenState 10, maxWaitDurationInHalfOpenState 0 (wait
    # forever); all exceptions recorded.
    "resilience4j": {
        "window": "count", "consecutive_failures": None, "window_size": 100,
        "minimum_calls": 100, "failure_rate_threshold": 50.0,
        "slow_call_rate_threshold": 100.0, "slow_call_duration": 60.0, "open_for": 60.0,
        "half_open_calls": 10, "half_open_max_wait": 0.0,
    },
    # §1.6 Polly v8 circuit breaker (and §3): FailureRatio 0.1, MinimumThroughput 100,
    # SamplingDuration 30 s in 10 rolling buckets, BreakDuration 5 s; half-open lets one
    # probe through per break duration (PermitHalfOpenCircuitTest); failure ratio only.
    "polly-8": {
        "window": "time", "consecutive_failures": None, "window_duration": 30.0,
        "buckets": 10, "failure_rate_threshold": 10.0, "slow_call_rate_threshold": None,
        "minimum_calls": 100, "open_for": 5.0, "half_open_calls": 1,
        "half_open_reprobe": True,
    },
    # §1.11 pybreaker CircuitBreaker(fail_max=5, reset_timeout=60, success_threshold=1):
    # consecutive failures, no admission limit in half-open, the first failure reopens.
    "pybreaker": {
        "window": "consecutive", "consecutive_failures": 5, "open_for": 60.0,
        "half_open_calls": "unlimited", "half_open_successes": 1,
    },
    # §1.9 Finagle FailureAccrual default policy (and §3): successRateWithinDuration(0.8,
    # 30 s, minRequests 5) orElse consecutiveFailures(5); markDeadFor =
    # Backoff.equalJittered(5 s, 300 s); one probe. "Success rate < 0.8" is a failure rate
    # strictly above 20 %. Finagle computes that rate as a moving average over the 30 s; we
    # use the 30 s window of the reference sheet, in 1-s buckets.
    "finagle": {
        "window": "time", "consecutive_failures": 5, "window_duration": 30.0,
        "failure_rate_threshold": 20.0, "trip_when": "above",
        "slow_call_rate_threshold": None, "minimum_calls": 5, "open_for": 5.0,
        "open_multiplier": 2.0, "open_max": 300.0, "open_jitter": "equal",
        "half_open_calls": 1,
    },
}
