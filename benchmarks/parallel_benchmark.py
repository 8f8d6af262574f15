"""What a second core buys (issue 15: ``--jobs 2`` vs ``--jobs 1`` >= 1.8x).

Runs ``asyncsim run examples/quickstart.yaml --replications 8`` (2 strategies x 8
replications = 16 runs) with --jobs 1 and with --jobs 2, each in a fresh process, and
prints both wall times and their ratio; the two summary.json files must be byte-identical.
It also prints the ratio of the simulation phase alone (the run line's "wall": the
replications, from the first task handed out to the last result back), which leaves out
what one process does before and after (imports, reading the scenario, the summary and
the report). Run it on a quiet machine with at least 2 cores:

    PYTHONPATH=src python benchmarks/parallel_benchmark.py [replications]
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def wall_s(jobs: int, out: Path, replications: int) -> tuple[float, float]:
    """The whole command's wall seconds, and its simulation phase's (the run line's)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "asyncsim", "run",
                           str(REPO / "examples" / "quickstart.yaml"), "--replications",
                           str(replications), "--jobs", str(jobs), "--out", str(out)],
                          check=True, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"})
    whole_s = time.perf_counter() - started
    simulation = re.search(r"wall ([0-9.]+)s", done.stdout)
    return whole_s, float(simulation.group(1)) if simulation else math.nan


def main() -> None:
    replications = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    with tempfile.TemporaryDirectory() as folder:
        one, two = Path(folder) / "one", Path(folder) / "two"
        (serial_s, serial_sim_s) = wall_s(1, one, replications)
        (parallel_s, parallel_sim_s) = wall_s(2, two, replications)
        same = (one / "summary.json").read_bytes() == (two / "summary.json").read_bytes()
    print(f"--jobs 1  {serial_s:6.1f} s   (simulation phase {serial_sim_s:5.1f} s)")
    print(f"--jobs 2  {parallel_s:6.1f} s   (simulation phase {parallel_sim_s:5.1f} s)")
    print(f"speed-up  {serial_s / parallel_s:.2f}x whole command (target >= 1.8x), "
          f"{serial_sim_s / parallel_sim_s:.2f}x simulation phase; "
          f"summary.json identical: {same}")


if __name__ == "__main__":
    main()
