"""Write ``examples/trace-replay.csv``, the access log that ``examples/trace-replay.yaml``
replays (deterministic: numpy's PCG64 with seed 16; a test regenerates and compares it).

Two minutes of a product API's log: ~20 requests/s over 400 products (Zipf 1.0) from 40
users, and a flash sale from 60 s to 75 s: 150 requests/s, 70% of them for product 7.
A synthetic Poisson workload has no such minute; the log does.

    .venv/bin/python tools/make_trace_example.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

TARGET = Path(__file__).resolve().parent.parent / "src" / "asyncsim" / "examples" / \
    "trace-replay.csv"


def trace_rows(seed: int = 16) -> str:
    rng = np.random.default_rng(seed)
    base = np.sort(rng.uniform(0, 120, rng.poisson(20 * 120)))
    sale = np.sort(rng.uniform(60, 75, rng.poisson(130 * 15)))
    weights = np.arange(1, 401, dtype=float) ** -1.0
    base_keys = rng.choice(400, base.size, p=weights / weights.sum())
    sale_keys = np.where(rng.random(sale.size) < 0.7 * 150 / 130, 7,
                         rng.choice(400, sale.size, p=weights / weights.sum()))
    times = np.concatenate([base, sale])
    keys = np.concatenate([base_keys, sale_keys])
    order = np.argsort(times, kind="stable")
    users = rng.integers(0, 40, times.size)
    rows = [f"{times[i]:.3f},/products/{keys[i]},user-{users[j]}"
            for j, i in enumerate(order)]
    return "ts,path,user\n" + "\n".join(rows) + "\n"


if __name__ == "__main__":
    TARGET.write_text(trace_rows(), encoding="utf-8")
    print(f"wrote {TARGET}")
