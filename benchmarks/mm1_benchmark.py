"""M/M/1 at rho 0.9, 1,000,000 requests: asyncsim (full runner) against minimal SimPy.

Run on purpose, never from the tests:  .venv/bin/python benchmarks/mm1_benchmark.py
Each side runs in its own subprocess so that its peak RSS is its own. Prints requests per
second of both, their ratio, peak RSS and the mean response time of each (theory: 10 s).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

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


def run_asyncsim() -> dict[str, float]:
    from tests.helpers import scenario_from_yaml

    from asyncsim.commands.run import run_scenario
    from asyncsim.scenarios.load import LoadedScenario

    loaded = LoadedScenario(scenario_from_yaml(SCENARIO), "benchmark")
    started = time.perf_counter()
    output = run_scenario(loaded, out_dir=None, jobs=1)
    elapsed = time.perf_counter() - started
    values = output.summary["strategies"]["baseline"]["values"]
    requests = output.runs[0].performance.requests_simulated
    return {"requests": requests, "seconds": elapsed,
            "mean_response_s": values["latency.avg"]["mean"]}


def run_simpy() -> dict[str, float]:
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

    started = time.perf_counter()
    env.process(source())
    env.run()
    elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "seconds": elapsed,
            "mean_response_s": float(np.mean(latencies))}


def measure(part: str) -> dict[str, float]:
    result = run_asyncsim() if part == "asyncsim" else run_simpy()
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--part", choices=["asyncsim", "simpy"])
    args = parser.parse_args()
    if args.part:
        print(json.dumps(measure(args.part)))
        return
    results = {}
    for part in ("simpy", "asyncsim"):
        done = subprocess.run([sys.executable, __file__, "--part", part], check=True,
                              capture_output=True, text=True)
        results[part] = json.loads(done.stdout.strip().splitlines()[-1])
    for part, r in results.items():
        print(f"{part:9s} {r['requests'] / r['seconds']:>10,.0f} req/s  "
              f"{r['seconds']:6.1f} s  peak RSS {r['peak_rss_mb']:6.1f} MB  "
              f"E[W] {r['mean_response_s']:.3f} s (theory 10)")
    ratio = ((results["asyncsim"]["requests"] / results["asyncsim"]["seconds"])
             / (results["simpy"]["requests"] / results["simpy"]["seconds"]))
    print(f"ratio asyncsim / minimal SimPy: {ratio:.2f}x (target >= 0.7x); "
          f"asyncsim peak RSS {results['asyncsim']['peak_rss_mb']:.0f} MB (target < 150 MB)")


if __name__ == "__main__":
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
    main()
