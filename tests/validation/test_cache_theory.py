"""TTL and capacity-limited caches against docs/validation.md cases 5 and 6, within 4 batch-means
standard errors (plus docs/validation.md's 0.002 absolute allowance for the Che and FIFO/RANDOM
approximations at N = 10,000).

Fetch time is 0 (``latency: 0s``), as the formulas assume: a miss inserts at once. Run
lengths: case 5 has N1 ≈ 1e4 requests, case 6 N1 ≤ 6.4e4 at N = 10,000; runs measure
1e5-3e5 requests (3e5 where N1 is largest), after more than 10 TTLs (case 5) or 20C + 5e4
requests (case 6).
"""

from __future__ import annotations

import pytest

from asyncsim.sim.outcome import Source
from tests.validation import theory
from tests.validation.cache_runs import run_strategy

HIT = (Source.FRESH_HIT,)


def scenario(rate: str, keys: str, duration: str, warmup: str, cache: str) -> str:
    return f"""
version: 1
name: cache-theory
seed: 5
duration: {duration}
warmup: {warmup}
backends:
  api:
    workers: 64
    latency: 0s
workload:
  target: api
  arrivals: {{poisson: {rate}}}
  keys: {keys}
strategies:
  s:
    - cache: {cache}
"""


@pytest.mark.parametrize(("expiry", "expected"), [
    ("insertion", theory.ttl_hit_fixed(2.0, 1.0)),      # 0.666667
    ("sliding", theory.ttl_hit_sliding(2.0, 1.0)),      # 0.864665
])
def test_ttl_single_key(expiry: str, expected: float) -> None:
    run = run_strategy(scenario("2/s", "{count: 1}", "50010s", "10s",
                                f"{{ttl: 1s, expiry: {expiry}}}"), "s")
    hit, se = run.share(*HIT)
    theory.assert_close_4se(hit, se, expected, f"TTL ({expiry}) single key hit ratio")


@pytest.mark.parametrize(("expiry", "sliding"), [("insertion", False), ("sliding", True)])
def test_ttl_zipf_aggregate_hit_ratio_and_cached_keys(expiry: str, sliding: bool) -> None:
    run = run_strategy(scenario("1000/s", "{count: 10000, zipf: 0.8}", "300s", "100s",
                                f"{{ttl: 10s, expiry: {expiry}}}"), "s")
    # 10 batches of 20 s: each much longer than the 10 s TTL that correlates hits
    hit, se = run.share(*HIT, batches=10)
    expected = theory.ttl_hit_zipf(10_000, 0.8, 1000.0, 10.0, sliding)  # 0.651697 / 0.740776
    theory.assert_close_4se(hit, se, expected, f"TTL ({expiry}) Zipf hit ratio")
    held, held_se = run.series_average("entries:api:0", batches=10)
    theory.assert_close_4se(held, held_se,
                            theory.ttl_mean_cached_keys(10_000, 0.8, 1000.0, 10.0, sliding),
                            f"TTL ({expiry}) mean cached keys")  # 3483 / 4150


@pytest.mark.parametrize(("eviction", "capacity", "alpha", "exact"), [
    ("lru", 3, 1.0, theory.lru_hit_exact_king),          # 0.470664
    ("lru", 5, 0.8, theory.lru_hit_exact_king),          # 0.622655
    ("fifo", 3, 1.0, theory.fifo_hit_exact_gelenbe),     # 0.445104
    ("random", 3, 1.0, theory.fifo_hit_exact_gelenbe),   # 0.445104
])
def test_small_cache_against_exact_formulas(eviction: str, capacity: int, alpha: float,
                                            exact: object) -> None:
    run = run_strategy(scenario("1000/s", f"{{count: 10, zipf: {alpha}}}", "151s", "1s",
                                f"{{max_entries: {capacity}, eviction: {eviction}}}"), "s")
    hit, se = run.share(*HIT)
    expected = exact(list(theory.zipf_probabilities(10, alpha)), capacity)  # type: ignore[operator]
    theory.assert_close_4se(hit, se, expected, f"{eviction} N=10 C={capacity} exact")


@pytest.mark.parametrize(("eviction", "approximation"), [
    ("lru", theory.che_lru_hit),         # Che: 0.436660
    ("fifo", theory.fifo_random_hit),    # 0.394179
    ("random", theory.fifo_random_hit),  # 0.394179
])
def test_large_cache_against_che_and_fifo_approximations(eviction: str,
                                                         approximation: object) -> None:
    run = run_strategy(scenario("1000/s", "{count: 10000, zipf: 0.8}", "370s", "70s",
                                f"{{max_entries: 1000, eviction: {eviction}}}"), "s")
    hit, se = run.share(*HIT)
    expected = approximation(theory.zipf_probabilities(10_000, 0.8), 1000)  # type: ignore[operator]
    theory.assert_close_4se(hit, se, expected, f"{eviction} N=1e4 C=1000", abs_tol=0.002)
