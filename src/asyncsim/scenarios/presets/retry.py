"""Retry presets: real libraries' default retry policies, as scenario fields.

Every value comes from docs/library-defaults.md (sections cited per
entry) and is written the way a scenario would write it, so a preset goes through the same
validation as hand-written fields; explicit fields in the scenario override the preset's.

Index conventions are translated to ours (``n`` = 1 for the first retry, and a ceiling
``min(cap, base·multiplier^(n−1))`` for exponential backoff): a library counting from 0
(TanStack's failureCount) keeps its base, one counting from 1 with ``initial·2^n``
(Apollo) gets ``base = 2·initial``.
"""

from __future__ import annotations

from typing import Any, Literal

RetryPresetName = Literal["tanstack-query-v5", "swr-2", "apollo-retrylink", "resilience4j",
                          "polly-8", "grpc", "grpc-pre-2024", "envoy", "finagle", "tenacity"]


GRPC_MAX_ATTEMPTS = 5
"""gRFC A6: maxAttempts above 5 are treated as 5 (docs/library-defaults.md §1.7)."""


GRPC_REQUIRED = ("max_attempts", "base", "multiplier", "cap")
"""gRPC's retryPolicy has no defaults for these: the service config must give them (§1.7)."""


RETRY_PRESETS: dict[str, dict[str, Any]] = {
    # §1.2 / §2: retry 3 (failureCount < 3, so 4 attempts); min(1000·2^k, 30000), k from 0;
    # no jitter.
    "tanstack-query-v5": {"max_attempts": 4, "backoff": "exponential", "base": "1s",
                          "multiplier": 2, "cap": "30s", "jitter": "none"},
    # §1.3 / §2: errorRetryCount undefined = unlimited;
    # floor((U+0.5)·2^min(n,8))·errorRetryInterval, errorRetryInterval 5000, n from 1.
    "swr-2": {"max_attempts": "unlimited", "backoff": "swr", "base": "5s", "jitter": "none"},
    # §1.4 / §2: attempts.max 5 (4 retries); U·min(max, initial·2^n), n from 1,
    # initial 300, max Infinity, jitter true (full).
    "apollo-retrylink": {"max_attempts": 5, "backoff": "exponential", "base": "600ms",
                         "multiplier": 2, "cap": "inf", "jitter": "full"},
    # §1.5 / §2: maxAttempts 3 (includes the first call), waitDuration 500 fixed.
    "resilience4j": {"max_attempts": 3, "backoff": "constant", "base": "500ms",
                     "jitter": "none"},
    # §1.6 / §2: MaxRetryAttempts 3 (plus the original call), Delay 2 s, Constant,
    # UseJitter false.
    "polly-8": {"max_attempts": 4, "backoff": "constant", "base": "2s", "jitter": "none"},
    # §1.7 / §2: min(initialBackoff·multiplier^(n−1), maxBackoff)·U(0.8, 1.2) (A6 since
    # Aug 2024); pushback honoured; the numbers are the user's (GRPC_REQUIRED).
    "grpc": {"backoff": "exponential", "jitter": "proportional", "ratio": 0.2,
             "honour_retry_after": True},
    # §1.7 / §2: before grpc/proposal#452, full jitter U(0, min(initial·mult^(n−1), max)).
    "grpc-pre-2024": {"backoff": "exponential", "jitter": "full", "honour_retry_after": True},
    # §1.8 / §2: num_retries 1; U[0, (2^N − 1)·25 ms) capped at 250 ms; the default
    # circuit breaker allows max_retries 3 retries in progress (no retry_budget by default).
    "envoy": {"max_attempts": 2, "backoff": "envoy", "base": "25ms", "cap": "250ms",
              "jitter": "full", "budget": {"percent": 0, "min_concurrent": 3}},
    # §1.9 / §2: Retries.Budget requeues at once (Backoff.const(Duration.Zero)), bounded only
    # by RetryBudget(): ttl 10 s, minRetriesPerSec 10, percentCanRetry 0.2.
    "finagle": {"max_attempts": "unlimited", "backoff": "constant", "base": "0s",
                "jitter": "none",
                "budget": {"percent": 20, "min_per_s": "10/s", "ttl": "10s"}},
    # §1.10 / §2: stop_never, wait_none (0 s), retry on any exception.
    "tenacity": {"max_attempts": "unlimited", "backoff": "constant", "base": "0s",
                 "jitter": "none"},
}
