"""Peak memory of ``asyncsim run`` (no --raw) as the run gets longer: M/M/1 (rho 0.9), or a
service graph fanning out to 100 leaves (examples/tail-at-scale.yaml's system, 20 requests/s).

Issue 15's targets (M/M/1): at most 150 MB at 1M requests and 200 MB at 20M. Before
streaming summaries the request log kept every request (about 67 MB per million); before
streaming graph timings a fan-out kept every leaf call's duration and each replica a list.

    PYTHONPATH=src python benchmarks/memory.py [--sizes 1M,5M,20M]
    PYTHONPATH=src python benchmarks/memory.py --scenario fanout --sizes 1k,10k

Each size runs ``python -m asyncsim run`` in its own child process; this script's
``--part SIZE`` step (the harness's one-side-per-process convention, benchmarks/harness.py)
starts it and reads ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``: the largest resident
set of its children, here that one run (``--jobs 1``: the run simulates in that process).
A line is printed as each size finishes; 20M takes many minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import Figures

RATE, MU = 0.9, 1.0
SIZES = {"1k": 1_000, "10k": 10_000, "1M": 1_000_000, "5M": 5_000_000, "20M": 20_000_000}
TARGET_MB = {"1M": 150.0, "20M": 200.0}

MM1 = """
version: 1
name: mm1-memory
seed: 1
duration: {duration_s:.0f}s
backends:
  server:
    workers: 1
    latency: {{exponential: {service:g}s}}
workload:
  target: server
  arrivals: {{poisson: {rate:g}/s}}
"""
FANOUT = """
version: 1
name: fanout-memory
seed: 31
duration: {duration_s:.0f}s
warmup: 6s
backends:
  root:
    workers: 1000
    latency: 1ms
    calls:
      - fanout: {{backend: leaf, n: 100, wait: all}}
  leaf:
    replicas: 100
    balancer: round_robin
    workers: 1
    latency:
      mixture:
        - {{weight: 999, distribution: {{uniform: {{low: 10ms, high: 15ms}}}}}}
        - {{weight: 1, distribution: {{uniform: {{low: 100ms, high: 300ms}}}}}}
workload:
  target: root
  arrivals: {{poisson: {rate:g}/s}}
"""
SCENARIOS = {"mm1": (MM1, RATE), "fanout": (FANOUT, 20.0)}


def measure(scenario: str, requests: int) -> Figures:
    """One ``asyncsim run`` of about ``requests`` requests in a child: its peak RSS."""
    template, rate = SCENARIOS[scenario]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{scenario}.yaml"
        path.write_text(template.format(duration_s=requests / rate, service=1 / MU, rate=rate))
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "asyncsim", "run", str(path), "--out",
                        str(Path(tmp) / "out"), "-q", "--jobs", "1"],
                       check=True, env={**os.environ, "COLUMNS": "100"})
        seconds = time.perf_counter() - started
        summary = json.loads((Path(tmp) / "out" / "summary.json").read_text())
    values = summary["strategies"]["baseline"]["values"]
    return {"requests": values["requests"]["mean"], "seconds": seconds,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "mean_response_s": values["latency.avg"]["mean"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1M,5M,20M",
                        help="comma-separated, of " + ", ".join(SIZES))
    parser.add_argument("--scenario", choices=list(SCENARIOS), default="mm1")
    parser.add_argument("--part", choices=list(SIZES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        print(json.dumps(measure(args.scenario, SIZES[args.part])))
        return
    print(f"{'size':>5} {'requests':>12} {'peak RSS':>10} {'target':>8} {'wall':>9}  "
          "mean response" + (" (theory 10 s)" if args.scenario == "mm1" else ""), flush=True)
    for size in args.sizes.split(","):
        done = subprocess.run([sys.executable, __file__, "--scenario", args.scenario,
                               "--part", size], check=True, capture_output=True, text=True)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        target = TARGET_MB.get(size) if args.scenario == "mm1" else None
        verdict = "" if target is None else (
            f"<= {target:.0f}" if figures["peak_rss_mb"] <= target else f"> {target:.0f}!")
        print(f"{size:>5} {figures['requests']:>12,.0f} {figures['peak_rss_mb']:>7.1f} MB "
              f"{verdict:>8} {figures['seconds']:>8.0f}s  {figures['mean_response_s']:.3f} s",
              flush=True)


if __name__ == "__main__":
    main()
