"""Hand-made summary.json dictionaries for report tests (no simulation needed)."""

from __future__ import annotations

import math
from typing import Any

from asyncsim.reports.files.summary_json import SCHEMA
from asyncsim.reports.stats import mean_ci95

METRICS = {
    "latency": {"kind": "trend", "unit": "s", "better": "lower", "meaning": "latency"},
    "error_rate": {"kind": "rate", "unit": "1", "better": "lower", "meaning": "errors"},
    "success_rate": {"kind": "rate", "unit": "1", "better": "higher", "meaning": "ok"},
    "hit_rate": {"kind": "rate", "unit": "1", "better": "higher", "meaning": "hits"},
    "stale_rate": {"kind": "rate", "unit": "1", "better": "lower", "meaning": "stale"},
    "staleness": {"kind": "trend", "unit": "s", "better": "lower", "meaning": "staleness"},
    "backend_calls": {"kind": "counter", "unit": "calls", "better": "lower", "meaning": "calls"},
    "amplification": {"kind": "gauge", "unit": "calls/req", "better": "lower", "meaning": "amp"},
    "requests": {"kind": "counter", "unit": "req", "better": "none", "meaning": "requests"},
}


def summary(strategies: dict[str, dict[str, list[float]]], name: str = "hand-made",
            replications: int | None = None) -> dict[str, Any]:
    """A summary whose values are the replications' means and 95% intervals."""
    out: dict[str, Any] = {}
    for strategy, keys in strategies.items():
        values = {}
        for key, reps in keys.items():
            mean, low, high = mean_ci95(reps)
            values[key] = {"mean": mean, "ci95_low": None if math.isnan(low) else low,
                           "ci95_high": None if math.isnan(high) else high}
        out[strategy] = {"values": values, "replications": keys}
    n = replications or max((len(r) for k in strategies.values() for r in k.values()), default=1)
    return {"schema": SCHEMA, "asyncsim_version": "test",
            "scenario": {"name": name, "description": "", "seed": 1, "duration_s": 100.0,
                         "warmup_s": 10.0, "replications": n},
            "metrics": METRICS, "strategies": out}
