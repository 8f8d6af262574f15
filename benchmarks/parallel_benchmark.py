"""What a second core buys (issue 15: ``--jobs 2`` vs ``--jobs 1`` >= 1.8x).

Runs ``asyncsim run examples/quickstart.yaml --replications 8`` (2 strategies x 8
replications = 16 runs) with --jobs 1 and with --jobs 2, each in a fresh process, and
prints both wall times and their ratio; the two summary.json files must be byte-identical.
Run it on a quiet machine with at least 2 cores:

    PYTHONPATH=src python benchmarks/parallel_benchmark.py [replications]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def wall_s(jobs: int, out: Path, replications: int) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "asyncsim", "run",
                    str(REPO / "examples" / "quickstart.yaml"), "--replications",
                    str(replications), "--jobs", str(jobs), "--out", str(out), "-q"],
                   check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    replications = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    with tempfile.TemporaryDirectory() as folder:
        one, two = Path(folder) / "one", Path(folder) / "two"
        serial_s = wall_s(1, one, replications)
        parallel_s = wall_s(2, two, replications)
        same = (one / "summary.json").read_bytes() == (two / "summary.json").read_bytes()
    print(f"--jobs 1  {serial_s:6.1f} s")
    print(f"--jobs 2  {parallel_s:6.1f} s")
    print(f"speed-up  {serial_s / parallel_s:.2f}x (target >= 1.8x); "
          f"summary.json identical: {same}")


if __name__ == "__main__":
    main()
