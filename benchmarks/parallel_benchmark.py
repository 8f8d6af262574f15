"""What a second core buys (issue 15: ``--jobs 2`` vs ``--jobs 1`` >= 1.8x).

Runs ``asyncsim run examples/quickstart.yaml --replications 8`` (2 strategies x 8
replications = 16 runs) with --jobs 1 and with --jobs 2, each in a fresh process, and
prints both wall times and their ratio; the two summary.json files must be byte-identical.
It also prints the ratio of the simulation phase alone (the run line's "wall": the
replications, from the first task handed out to the last result back), which leaves out
what one process does before and after (imports, reading the scenario, the summary and
the report).

And it prints what this machine's two cores give with no runner at all, the ceiling of
both ratios: the same quickstart replications run by hand (``Simulation(...).run()``) in
one process alone, then in two processes at once, each doing the same work. On a machine
whose two cores are two hyperthreads, or share a host with others, that is well under 2x,
and it moves from minute to minute: the rounds are interleaved, and each round measures
all three. Run it on a quiet machine with at least 2 cores:

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
QUICKSTART = REPO / "examples" / "quickstart.yaml"
BY_HAND_REPLICATIONS = 2
"""Replications of each quickstart strategy that one process runs by hand for the
ceiling (about 2 s of simulation)."""
CEILING_REPEATS = 2
"""Times per round the ceiling runs alone and in pairs, alternated."""


def wall_s(jobs: int, out: Path, replications: int) -> tuple[float, float]:
    """The whole command's wall seconds, and its simulation phase's (the run line's)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "asyncsim", "run", str(QUICKSTART),
                           "--replications", str(replications), "--jobs", str(jobs),
                           "--out", str(out)],
                          check=True, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"})
    whole_s = time.perf_counter() - started
    simulation = re.search(r"wall ([0-9.]+)s", done.stdout)
    return whole_s, float(simulation.group(1)) if simulation else math.nan


def by_hand() -> None:
    """A child: load quickstart, say "ready", wait for a line on stdin, then run its
    replications one after the other in this process and print the seconds they took."""
    from asyncsim.commands.common import load
    from asyncsim.scenarios.build import simulation_spec, strategy_specs
    from asyncsim.sim.simulation import Simulation

    scenario = load(QUICKSTART).scenario
    spec, strategies = simulation_spec(scenario), strategy_specs(scenario)
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.perf_counter()
    for strategy in strategies:
        for replication in range(BY_HAND_REPLICATIONS):
            Simulation(spec, strategy, replication).run()
    print(time.perf_counter() - started, flush=True)


def by_hand_s(processes: int) -> float:
    """Seconds until every one of ``processes`` children, started together once all
    had loaded, has run its replications."""
    children = [subprocess.Popen([sys.executable, __file__, "--by-hand"], text=True,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE)
                for _ in range(processes)]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    seconds = [float(child.communicate()[0]) for child in children]
    return max(seconds)


def main() -> None:
    replications = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    whole: dict[int, list[float]] = {1: [], 2: []}
    simulation: dict[int, list[float]] = {1: [], 2: []}
    ceilings = []
    with tempfile.TemporaryDirectory() as folder:
        same = True
        for _ in range(rounds):  # interleaved: a machine whose speed drifts moves all three
            for jobs in (1, 2):
                whole_s, simulation_s = wall_s(jobs, Path(folder) / str(jobs), replications)
                whole[jobs].append(whole_s)
                simulation[jobs].append(simulation_s)
            same &= ((Path(folder) / "1" / "summary.json").read_bytes()
                     == (Path(folder) / "2" / "summary.json").read_bytes())
            alone_s = pair_s = 0.0
            for _ in range(CEILING_REPEATS):  # alternated: the ceiling moves as fast as that
                alone_s += by_hand_s(1)
                pair_s += by_hand_s(2)
            ceilings.append(2 * alone_s / pair_s)
    for jobs in (1, 2):
        print(f"--jobs {jobs}  {statistics.median(whole[jobs]):6.1f} s   (simulation phase "
              f"{statistics.median(simulation[jobs]):5.1f} s; median of {rounds})")
    ratios = [one / two for one, two in zip(whole[1], whole[2], strict=True)]
    simulation_ratios = [one / two for one, two in zip(simulation[1], simulation[2],
                                                        strict=True)]
    print(f"speed-up  {statistics.median(ratios):.2f}x whole command (target >= 1.8x; rounds: "
          f"{', '.join(f'{r:.2f}' for r in ratios)}), "
          f"{statistics.median(simulation_ratios):.2f}x simulation phase (rounds: "
          f"{', '.join(f'{r:.2f}' for r in simulation_ratios)}); "
          f"summary.json identical: {same}")
    print(f"ceiling   {statistics.median(ceilings):.2f}x: two processes running quickstart "
          f"replications by hand at once, against one (rounds: "
          f"{', '.join(f'{r:.2f}' for r in ceilings)})")


if __name__ == "__main__":
    if sys.argv[1:] == ["--by-hand"]:
        by_hand()
    else:
        main()
