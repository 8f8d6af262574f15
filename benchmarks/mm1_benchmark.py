"""M/M/1 at rho 0.9, 1,000,000 requests: asyncsim (full runner) against minimal SimPy.

Run on purpose, never from the tests:  .venv/bin/python benchmarks/mm1_benchmark.py
Each side runs in its own subprocess so that its peak RSS is its own. Prints requests per
second of both, by wall-clock and by CPU time (on a shared machine wall time mostly
measures the neighbours), their ratios (issue 15's target: >= 3x), peak RSS and the mean
response time of each (theory: 10 s).
"""

from __future__ import annotations

import time

from harness import Figures, main, timed_asyncsim_run

REQUESTS = 1_000_000
RATE, MU = 0.9, 1.0

SCENARIO = f"""
version: 1
name: mm1-benchmark
seed: 1
duration: {REQUESTS / RATE:.0f}s
backends:
  server:
    workers: 1
    latency: {{exponential: {1 / MU:g}s}}
workload:
  target: server
  arrivals: {{poisson: {RATE:g}/s}}
"""


def run_asyncsim() -> Figures:
    output, seconds, cpu_seconds = timed_asyncsim_run(SCENARIO)
    values = output.summary["strategies"]["baseline"]["values"]
    return {"requests": output.runs[0].performance.requests_simulated, "seconds": seconds,
            "cpu_seconds": cpu_seconds, "mean_response_s": values["latency.avg"]["mean"]}


def run_simpy() -> Figures:
    """The smallest honest SimPy model: a process per customer and a simpy.Resource."""
    import numpy as np
    import simpy

    rng = np.random.default_rng(1)
    gaps = rng.exponential(1 / RATE, REQUESTS).tolist()
    services = rng.exponential(1 / MU, REQUESTS).tolist()
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    latencies: list[float] = []

    def customer(service: float):  # type: ignore[no-untyped-def]
        arrived = env.now
        with server.request() as request:
            yield request
            yield env.timeout(service)
        latencies.append(env.now - arrived)

    def source():  # type: ignore[no-untyped-def]
        for gap, service in zip(gaps, services, strict=True):
            yield env.timeout(gap)
            env.process(customer(service))

    started, cpu = time.perf_counter(), time.process_time()
    env.process(source())
    env.run()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"requests": len(latencies), "seconds": elapsed, "cpu_seconds": cpu,
            "mean_response_s": float(np.mean(latencies))}


def report(results: dict[str, Figures]) -> None:
    wall = {part: r["requests"] / r["seconds"] for part, r in results.items()}
    cpu = {part: r["requests"] / r["cpu_seconds"] for part, r in results.items()}
    for part, r in results.items():
        print(f"{part:9s} {wall[part]:>9,.0f} req/s wall ({r['seconds']:5.1f} s)  "
              f"{cpu[part]:>9,.0f} req/s CPU ({r['cpu_seconds']:5.1f} s)  "
              f"peak RSS {r['peak_rss_mb']:6.1f} MB  E[W] {r['mean_response_s']:.3f} s (theory 10)")
    print(f"ratio asyncsim / minimal SimPy: {wall['asyncsim'] / wall['simpy']:.2f}x wall, "
          f"{cpu['asyncsim'] / cpu['simpy']:.2f}x CPU (target >= 3x); "
          f"asyncsim peak RSS {results['asyncsim']['peak_rss_mb']:.0f} MB (target < 150 MB)")


if __name__ == "__main__":
    main(__file__, {"simpy": run_simpy, "asyncsim": run_asyncsim}, report, __doc__)
