"""What a second core buys (issue 15: ``--jobs 2`` vs ``--jobs 1`` >= 1.8x).

Runs ``asyncsim run examples/quickstart.yaml --replications 8`` (2 strategies x 8
replications = 16 runs) with --jobs 1 and with --jobs 2, each in a fresh process, and
prints both wall times and their ratio; the two summary.json files must be byte-identical.
It also prints the ratio of the simulation phase alone (the run line's "wall": the
replications, from the first task handed out to the last result back), which leaves out
what one process does before and after (imports, reading the scenario, the summary and
the report). Run it on a quiet machine with at least 2 cores:

    PYTHONPATH=src python benchmarks/parallel_benchmark.py [replications] [rounds]
"""

from __future__ import annotations

import math
import os
import re
import statistics
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
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    whole: dict[int, list[float]] = {1: [], 2: []}
    simulation: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as folder:
        same = True
        for _ in range(rounds):  # interleaved: a machine whose speed drifts moves both
            for jobs in (1, 2):
                whole_s, simulation_s = wall_s(jobs, Path(folder) / str(jobs), replications)
                whole[jobs].append(whole_s)
                simulation[jobs].append(simulation_s)
            same &= ((Path(folder) / "1" / "summary.json").read_bytes()
                     == (Path(folder) / "2" / "summary.json").read_bytes())
    for jobs in (1, 2):
        print(f"--jobs {jobs}  {statistics.median(whole[jobs]):6.1f} s   (simulation phase "
              f"{statistics.median(simulation[jobs]):5.1f} s; median of {rounds})")
    ratios = [one / two for one, two in zip(whole[1], whole[2], strict=True)]
    simulation_ratios = [one / two for one, two in zip(simulation[1], simulation[2],
                                                        strict=True)]
    print(f"speed-up  {statistics.median(ratios):.2f}x whole command (target >= 1.8x; rounds: "
          f"{', '.join(f'{r:.2f}' for r in ratios)}), "
          f"{statistics.median(simulation_ratios):.2f}x simulation phase; "
          f"summary.json identical: {same}")


if __name__ == "__main__":
    main()
