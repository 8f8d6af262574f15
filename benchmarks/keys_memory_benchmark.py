"""Peak memory of a run over a huge key space (issue 17: 10^8 Zipf keys under 200 MB).

Runs ``asyncsim run`` on a short quickstart-like scenario with ``keys.count`` 10^8 and
Zipf popularity in a child process, and prints the child's peak resident set size
(``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``, the largest of the children: the
run uses --jobs 1, so that is the process that simulated). Before the table-free sampler
the key table alone was 800 MB at 10^8 keys (and 16 GB at 2·10^9).

    PYTHONPATH=src python benchmarks/keys_memory_benchmark.py [count]
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

SCENARIO = """
version: 1
name: huge-key-space
seed: 1
duration: 60s
backends:
  api:
    workers: 8
    latency: {{lognormal: {{median: 80ms, p99: 400ms}}}}
workload:
  target: api
  arrivals: {{poisson: 50/s}}
  keys: {{count: {count}, zipf: 0.9}}
strategies:
  no-cache: []
  cache:
    - cache: {{ttl: 30s}}
"""


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10**8
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "keys.yaml"
        path.write_text(SCENARIO.format(count=count))
        subprocess.run([sys.executable, "-m", "asyncsim", "run", str(path), "--jobs", "1",
                        "-q", "--out", str(Path(folder) / "out")], check=True,
                       env={**os.environ}, stdout=subprocess.DEVNULL)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    print(f"keys.count {count:.0e} (zipf 0.9): peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
