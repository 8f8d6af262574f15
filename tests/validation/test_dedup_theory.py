"""In-flight deduplication against docs/validation.md case 9, within 4 batch-means SE.

One key, Poisson(10/s) requests, fetch time D with E[D] = 0.2 s, deterministic and
exponential; no caching after completion. N1 is at most 1.4e5 requests (mean latency,
exponential D); each run measures 3e5.
"""

from __future__ import annotations

import pytest

from asyncsim.sim.outcome import Source
from tests.validation import theory
from tests.validation.cache_runs import run_strategy

LAM, ED = 10.0, 0.2

SCENARIO = """
version: 1
name: dedup-theory
seed: 9
duration: 30100s
warmup: 100s
backends:
  api:
    workers: 4
    latency: {latency}
workload:
  target: api
  arrivals: {{poisson: 10/s}}
strategies:
  dedup:
    - dedup: {{}}
"""


@pytest.mark.parametrize(("latency", "ed2"), [
    ("200ms", ED * ED),                  # deterministic: E[D²] = D²
    ("{exponential: 200ms}", 2 * ED * ED),  # exponential: E[D²] = 2E[D]²
])
def test_dedup_fetch_rate_share_and_mean_latency(latency: str, ed2: float) -> None:
    run = run_strategy(SCENARIO.format(latency=latency), "dedup")
    fetching, se = run.share(Source.NETWORK)
    theory.assert_close_4se(fetching, se, theory.dedup_fetch_fraction(LAM, ED),
                            f"dedup fetch fraction, D {latency}")  # 1/3
    coalesced, se = run.share(Source.COALESCED)
    theory.assert_close_4se(coalesced, se, 1 - theory.dedup_fetch_fraction(LAM, ED),
                            f"dedup coalesced fraction, D {latency}")
    rate, se = run.series_rate("backend_calls:api")
    theory.assert_close_4se(rate, se, theory.dedup_fetch_rate(LAM, ED),
                            f"dedup fetch rate, D {latency}")  # 3.3333/s
    latency_mean, se = run.mean_latency()
    theory.assert_close_4se(latency_mean, se, theory.dedup_mean_latency(LAM, ED, ed2),
                            f"dedup mean latency, D {latency}")  # 0.13333 / 0.2
