"""A shared LRU cache in front of a 64-worker backend: asyncsim (full runner) against a
minimal hand-written SimPy model of the same system, in the same run.

System: 1,000,000 requests, open Poisson arrivals at 1,000/s, Zipf(0.8) over 100,000 keys,
one shared LRU cache of 1,000 entries, backend latency exponential with mean 50 ms and
64 workers. Misses insert when their fetch completes (no coalescing).

Run on purpose, never from the tests:  .venv/bin/python benchmarks/cache_benchmark.py
Each side runs in its own subprocess (its own memory and warm caches). Prints requests per
second of both, by wall-clock and by CPU time (on a shared machine wall time mostly
measures the neighbours), their ratio (issue 15's target: >= 2x), and the hit ratios of both and of
Che's approximation (target: all within 0.002 of each other). Hit ratios count requests after a
100 s warm-up (1e5 requests; Che's characteristic time here is under 1e4 requests).
"""

from __future__ import annotations

import time

from harness import Figures, main, timed_asyncsim_run

REQUESTS = 1_000_000
RATE_PER_S = 1000.0
KEYS, ALPHA, CAPACITY = 100_000, 0.8, 1000
MEAN_LATENCY_S, WORKERS = 0.05, 64
WARMUP_S = 100.0
DURATION_S = REQUESTS / RATE_PER_S

SCENARIO = f"""
version: 1
name: cache-benchmark
seed: 1
duration: {DURATION_S:g}s
warmup: {WARMUP_S:g}s
backends:
  api:
    workers: {WORKERS}
    latency: {{exponential: {MEAN_LATENCY_S * 1000:g}ms}}
workload:
  target: api
  arrivals: {{poisson: {RATE_PER_S:g}/s}}
  keys: {{count: {KEYS}, zipf: {ALPHA}}}
strategies:
  lru:
    - cache: {{max_entries: {CAPACITY}, eviction: lru}}
"""


def run_asyncsim() -> Figures:
    """Through run_scenario, as `asyncsim run` does (one process): build, simulate, reduce."""
    output, seconds, cpu_seconds = timed_asyncsim_run(SCENARIO)
    values = output.summary["strategies"]["lru"]["values"]
    return {"requests": output.runs[0].performance.requests_simulated, "seconds": seconds,
            "cpu_seconds": cpu_seconds, "hit_ratio": values["hit_rate"]["mean"]}


def run_simpy() -> Figures:
    """The smallest honest SimPy model: a process per request, an OrderedDict LRU and a
    simpy.Resource for the workers."""
    from collections import OrderedDict

    import numpy as np
    import simpy

    rng = np.random.default_rng(1)
    gaps = rng.exponential(1 / RATE_PER_S, REQUESTS).tolist()
    cdf = np.cumsum(np.arange(1, KEYS + 1, dtype=float) ** -ALPHA)
    keys = np.searchsorted(cdf, rng.random(REQUESTS) * cdf[-1], side="right").tolist()
    services = rng.exponential(MEAN_LATENCY_S, REQUESTS).tolist()
    env = simpy.Environment()
    workers = simpy.Resource(env, capacity=WORKERS)
    cache: OrderedDict[int, bool] = OrderedDict()
    hits = measured = 0

    def request(key: int, service: float):  # type: ignore[no-untyped-def]
        nonlocal hits, measured
        counted = env.now >= WARMUP_S
        measured += counted
        if key in cache:
            cache.move_to_end(key)
            hits += counted
            return
        with workers.request() as slot:
            yield slot
            yield env.timeout(service)
        cache[key] = True
        cache.move_to_end(key)
        if len(cache) > CAPACITY:
            cache.popitem(last=False)

    def source():  # type: ignore[no-untyped-def]
        for gap, key, service in zip(gaps, keys, services, strict=True):
            yield env.timeout(gap)
            env.process(request(key, service))

    started, cpu = time.perf_counter(), time.process_time()
    env.process(source())
    env.run()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"requests": REQUESTS, "seconds": elapsed, "cpu_seconds": cpu,
            "hit_ratio": hits / measured}


def che_hit_ratio() -> float:
    from tests.validation.theory import che_lru_hit, zipf_probabilities

    return che_lru_hit(zipf_probabilities(KEYS, ALPHA), CAPACITY)


def report(results: dict[str, Figures]) -> None:
    che = che_hit_ratio()
    wall = {part: r["requests"] / r["seconds"] for part, r in results.items()}
    cpu = {part: r["requests"] / r["cpu_seconds"] for part, r in results.items()}
    for part, r in results.items():
        print(f"{part:9s} {wall[part]:>9,.0f} req/s wall ({r['seconds']:5.1f} s)  "
              f"{cpu[part]:>9,.0f} req/s CPU ({r['cpu_seconds']:5.1f} s)  "
              f"hit ratio {r['hit_ratio']:.4f}")
    print(f"{'Che':9s} {'':58s}hit ratio {che:.4f}")
    ratios = (results["asyncsim"]["hit_ratio"], results["simpy"]["hit_ratio"], che)
    print(f"ratio asyncsim / minimal SimPy: {wall['asyncsim'] / wall['simpy']:.2f}x wall, "
          f"{cpu['asyncsim'] / cpu['simpy']:.2f}x CPU (target >= 2x); largest hit-ratio "
          f"gap {max(ratios) - min(ratios):.4f} (target <= 0.002)")


if __name__ == "__main__":
    main(__file__, {"simpy": run_simpy, "asyncsim": run_asyncsim}, report, __doc__)
