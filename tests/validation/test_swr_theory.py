"""Stale-while-revalidate against docs/validation.md case 11, within 4 batch-means SE.

One key, Poisson(λ) requests, fresh for S after a fetch completes, deterministic fetch D,
stale window W after S (``stale_for: S+W``; W = ∞ is ``stale_for: inf``; W = 0 is a TTL
cache with in-flight dedup), misses coalesced. N1 (stale fraction) is 8.3e4 requests; each
run measures 2e5, after a warm-up of 30 cycles.
"""

from __future__ import annotations

import math

import pytest

from asyncsim.sim.outcome import Source
from tests.validation import theory
from tests.validation.cache_runs import run_strategy

SCENARIO = """
version: 1
name: swr-theory
seed: 11
duration: {duration}s
warmup: {warmup}s
backends:
  api:
    workers: 4
    latency: {d}s
workload:
  target: api
  arrivals: {{poisson: {lam}/s}}
strategies:
  swr:
    - cache: {{fresh_for: {s}s, stale_for: {stale_for}, coalesce: true}}
"""

ROWS = [  # λ, S, D, W as in the table of case 11
    (5.0, 2.0, 0.5, math.inf),
    (1.0, 2.0, 0.5, 1.0),
    (0.5, 1.0, 0.3, 0.5),
    (5.0, 2.0, 0.5, 0.0),
]


@pytest.mark.parametrize(("lam", "s", "d", "w"), ROWS, ids=lambda v: f"{v:g}")
def test_swr_fractions_fetch_rate_and_latency(lam: float, s: float, d: float, w: float) -> None:
    cycle_s = s + 1 / lam + d
    warmup_s = 30 * cycle_s
    stale_for = "inf" if w == math.inf else f"{s + w:g}s"
    text = SCENARIO.format(duration=f"{warmup_s + 2e5 / lam:.0f}", warmup=f"{warmup_s:.0f}",
                           d=f"{d:g}", lam=f"{lam:g}", s=f"{s:g}", stale_for=stale_for)
    run = run_strategy(text, "swr")
    label = f"SWR λ={lam:g} S={s:g} D={d:g} W={w:g}"
    fresh, stale, miss = theory.swr_fractions(lam, s, d, w)
    for name, sources, expected in (("fresh", (Source.FRESH_HIT,), fresh),
                                    ("stale", (Source.STALE_HIT,), stale),
                                    ("miss", (Source.NETWORK, Source.COALESCED), miss)):
        got, se = run.share(*sources)
        if expected == 0.0:  # W = ∞ never blocks (after warm-up); W = 0 never serves stale
            assert got == 0.0, f"{label} {name}: {got}"
        else:
            theory.assert_close_4se(got, se, expected, f"{label} {name} fraction")
    rate, se = run.series_rate("backend_calls:api")
    theory.assert_close_4se(rate, se, theory.swr_fetch_rate(lam, s, d), f"{label} fetch rate")
    latency, se = run.mean_latency()
    expected_latency = theory.swr_mean_latency(lam, s, d, w)
    if expected_latency == 0.0:
        assert latency == 0.0, f"{label} latency: {latency}"
    else:
        theory.assert_close_4se(latency, se, expected_latency, f"{label} mean latency")
