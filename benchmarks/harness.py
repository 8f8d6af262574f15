"""What the asyncsim-vs-SimPy benchmarks share: each side in its own process (its own
memory, its own warm caches), results passed back as one JSON line.

A benchmark script defines ``run_asyncsim()`` and ``run_simpy()`` (each returns a dict of
figures) and a ``report(results)`` that prints them, then calls :func:`main`.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.helpers

Figures = dict[str, float]


def timed_asyncsim_run(yaml_text: str) -> tuple[Any, float, float]:
    """The scenario through the full runner in this process (jobs=1): its output, wall
    seconds and CPU seconds."""
    from tests.helpers import scenario_from_yaml

    from asyncsim.commands.run import run_scenario
    from asyncsim.scenarios.load import LoadedScenario

    loaded = LoadedScenario(scenario_from_yaml(yaml_text), "benchmark")
    started, cpu = time.perf_counter(), time.process_time()
    output = run_scenario(loaded, out_dir=None, jobs=1)
    return output, time.perf_counter() - started, time.process_time() - cpu


def main(script: str, sides: dict[str, Callable[[], Figures]],
         report: Callable[[dict[str, Figures]], None], description: str | None) -> None:
    """``--part NAME`` runs one side here and prints its figures (with its peak RSS);
    without it, every side runs in a child process and ``report`` prints them."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--part", choices=list(sides))
    args = parser.parse_args()
    if args.part:
        figures = sides[args.part]()
        figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(figures))
        return
    results = {}
    for part in sides:
        done = subprocess.run([sys.executable, script, "--part", part], check=True,
                              capture_output=True, text=True)
        results[part] = json.loads(done.stdout.strip().splitlines()[-1])
    report(results)
