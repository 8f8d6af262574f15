"""Three tiers, web -> api -> db, each holding its worker while it waits on the next:
asyncsim (full runner) against a minimal hand-written SimPy model of the same network
(issue 12: >= 0.8x).

Run on purpose, never from the tests:  .venv/bin/python benchmarks/three_tier_benchmark.py
Each side runs in its own subprocess. Prints requests per second of both, their ratio, and
each side's mean response time (the two models are the same network, so they agree within
noise; the SimPy side draws its own random numbers).
"""

from __future__ import annotations

import time

from harness import Figures, main, timed_asyncsim_run

REQUESTS = 300_000
RATE = 200.0                     # requests per second
TIERS = (("web", 8, 0.002), ("api", 8, 0.005), ("db", 4, 0.010))  # name, workers, mean s

SCENARIO = f"""
version: 1
name: three-tier-benchmark
seed: 1
duration: {REQUESTS / RATE:.0f}s
backends:
  web:
    workers: 8
    latency: {{exponential: 2ms}}
    calls: [{{call: api}}]
  api:
    workers: 8
    latency: {{exponential: 5ms}}
    calls: [{{call: db}}]
  db:
    workers: 4
    latency: {{exponential: 10ms}}
workload:
  target: web
  arrivals: {{poisson: {RATE:g}/s}}
"""


def run_asyncsim() -> Figures:
    output, seconds, _ = timed_asyncsim_run(SCENARIO)
    values = output.summary["strategies"]["baseline"]["values"]
    return {"requests": output.runs[0].performance.requests_simulated, "seconds": seconds,
            "mean_response_s": values["latency.avg"]["mean"]}


def run_simpy() -> Figures:
    """A process per request, a simpy.Resource per tier, nested holds (blocking calls)."""
    import numpy as np
    import simpy

    rng = np.random.default_rng(1)
    gaps = rng.exponential(1 / RATE, REQUESTS).tolist()
    work = [rng.exponential(mean_s, REQUESTS).tolist() for _, _, mean_s in TIERS]
    env = simpy.Environment()
    web, api, db = (simpy.Resource(env, capacity=workers) for _, workers, _ in TIERS)
    latencies: list[float] = []

    def request(i: int):  # type: ignore[no-untyped-def]
        arrived = env.now
        with web.request() as hold_web:
            yield hold_web
            yield env.timeout(work[0][i])
            with api.request() as hold_api:
                yield hold_api
                yield env.timeout(work[1][i])
                with db.request() as hold_db:
                    yield hold_db
                    yield env.timeout(work[2][i])
        latencies.append(env.now - arrived)

    def source():  # type: ignore[no-untyped-def]
        for i, gap in enumerate(gaps):
            yield env.timeout(gap)
            env.process(request(i))

    started = time.perf_counter()
    env.process(source())
    env.run()
    elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "seconds": elapsed,
            "mean_response_s": float(np.mean(latencies))}


def report(results: dict[str, Figures]) -> None:
    for part, r in results.items():
        print(f"{part:9s} {r['requests'] / r['seconds']:>10,.0f} req/s  "
              f"{r['seconds']:6.1f} s  mean response {r['mean_response_s'] * 1000:.2f} ms")
    ratio = ((results["asyncsim"]["requests"] / results["asyncsim"]["seconds"])
             / (results["simpy"]["requests"] / results["simpy"]["seconds"]))
    print(f"ratio asyncsim / minimal SimPy: {ratio:.2f}x (target >= 0.8x)")


if __name__ == "__main__":
    main(__file__, {"simpy": run_simpy, "asyncsim": run_asyncsim}, report, __doc__)
