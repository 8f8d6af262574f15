"""Synthetic access logs for the trace-replay checks: a known Zipf key popularity and a
known Poisson arrival process, drawn with numpy (not with asyncsim's samplers, so the
replay is checked against an independent source)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def zipf_poisson_trace(path: Path, *, rate_per_s: float, span_s: float, keys: int,
                       alpha: float, clients: int = 0, seed: int = 1) -> np.ndarray:
    """Write ``ts,path[,user]`` rows (seconds, ``/item/<rank>``) and return the times.

    Poisson arrivals at ``rate_per_s`` over ``span_s``; key of rank r (0 = most popular)
    with probability proportional to (r+1)^-alpha; users uniform over ``clients``.
    """
    rng = np.random.default_rng(seed)
    count = rng.poisson(rate_per_s * span_s)
    times = np.sort(rng.uniform(0.0, span_s, count))  # Poisson given the count
    times -= times[0]
    weights = np.arange(1, keys + 1, dtype=float) ** -alpha
    ranks = rng.choice(keys, size=count, p=weights / weights.sum())
    header = "ts,path" + (",user" if clients else "")
    users = rng.integers(0, clients, count) if clients else None
    rows = [f"{t:.9f},/item/{k}" + (f",u{users[i]}" if users is not None else "")
            for i, (t, k) in enumerate(zip(times, ranks, strict=True))]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return np.asarray([float(f"{t:.9f}") for t in times])
