"""How long the command line takes to answer (issue 15: ``asyncsim --help`` <= 0.3 s).

Runs each command 5 times in a fresh interpreter and prints the median wall time, beside
references measured the same way: the bare interpreter, importing typer (the floor of any
typer app), and importing typer's rich help formatter (what rich help panels would add:
asyncsim prints plain click help because of it). Run it on a quiet machine:

    PYTHONPATH=src python benchmarks/startup_benchmark.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUNS = 5
COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "import typer": ["-c", "import typer"],
    "import typer (rich help)": ["-c", "import typer, typer.rich_utils"],
    "asyncsim --help": ["-m", "asyncsim", "--help"],
    "asyncsim run --help": ["-m", "asyncsim", "run", "--help"],
    "asyncsim schema": ["-m", "asyncsim", "schema"],
    "asyncsim validate quickstart": ["-m", "asyncsim", "validate",
                                     str(REPO / "examples" / "quickstart.yaml")],
}


def median_wall_s(args: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([sys.executable, *args], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    for label, args in COMMANDS.items():
        print(f"{label:<30} {median_wall_s(args):6.3f} s  (median of {RUNS})")
    print("target: asyncsim --help <= 0.300 s")


if __name__ == "__main__":
    main()
