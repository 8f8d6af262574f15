"""Adaptive concurrency limiter presets (see presets/breaker.py for the conventions).

Each cites its section of docs/library-defaults.md ("Netflix concurrency-limits", "Envoy
adaptive concurrency"), where the source file and commit read are named.
"""

from __future__ import annotations

from typing import Any, Literal

LimiterPreset = Literal["netflix-aimd", "netflix-vegas", "netflix-gradient2", "envoy"]

LIMITER_PRESETS: dict[str, dict[str, Any]] = {
    # Netflix/concurrency-limits, .../limits/limit/AIMDLimit.java, Builder defaults:
    # minLimit 20, initialLimit 20, maxLimit 200, backoffRatio 0.9, timeout 5 s.
    "netflix-aimd": {"algorithm": "aimd", "initial_limit": 20, "min_limit": 20,
                     "max_limit": 200, "backoff_ratio": 0.9, "timeout": 5.0},
    # .../limits/limit/VegasLimit.java, Builder defaults: initialLimit 20, maxConcurrency
    # 1000, smoothing 1.0, probeMultiplier 30; alpha 3 log10(limit), beta 6 log10(limit),
    # threshold log10(limit) (fixed here); no minimum (the limit never falls below 1).
    "netflix-vegas": {"algorithm": "vegas", "initial_limit": 20, "min_limit": 1,
                      "max_limit": 1000, "smoothing": 1.0, "probe_multiplier": 30},
    # .../limits/limit/Gradient2Limit.java, Builder defaults: initialLimit 20, minLimit 20,
    # maxConcurrency 200, smoothing 0.2, queueSize 4, longWindow 600.
    "netflix-gradient2": {"algorithm": "gradient2", "initial_limit": 20, "min_limit": 20,
                          "max_limit": 200, "smoothing": 0.2, "queue_size": 4,
                          "long_window": 600},
    # envoy adaptive_concurrency.proto (v3) defaults: min_concurrency 3, max_concurrency_limit
    # 1000, request_count 50, jitter 15%, buffer 25%, sample_aggregate_percentile 50. The
    # two intervals have no default (concurrency_update_interval is required): the values of
    # the filter documentation's example configuration, 100 ms and 60 s.
    "envoy": {"algorithm": "envoy", "min_limit": 3, "max_limit": 1000,
              "update_interval": 0.1, "min_rtt_interval": 60.0, "request_count": 50,
              "jitter": 0.15, "buffer": 0.25, "quantile": 0.5},
}

PRESET_OF = {"aimd": "netflix-aimd", "vegas": "netflix-vegas",
             "gradient2": "netflix-gradient2", "envoy": "envoy"}
"""The preset whose values are an algorithm's defaults when only ``algorithm`` is written."""
