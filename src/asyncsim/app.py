"""What the commands do, without the terminal: load, run, reduce, write.

cli.py parses arguments and prints; this module is the glue between the scenario
language, the runner and the reports, so it can be called from Python and tests too.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from asyncsim.reports.summary import RunPerformance, RunSummary, reduce_run
from asyncsim.reports.summary_json import build_summary
from asyncsim.reports.writers import dumps, write_atomic
from asyncsim.runner import Executor, Progress, run_experiment
from asyncsim.scenarios.build import simulation_spec, strategy_specs
from asyncsim.scenarios.load import LoadedScenario, load_scenario
from asyncsim.scenarios.models import Scenario


@dataclass
class RunOutput:
    scenario: Scenario
    summary: dict[str, Any]
    runs: list[RunSummary]
    wall_s: float
    out_dir: Path | None

    @property
    def performance(self) -> list[RunPerformance]:
        return [r.performance for r in self.runs]

    @property
    def strategy_order(self) -> list[str]:
        return list(self.scenario.strategies)


def default_out_dir(scenario: Scenario) -> Path:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", scenario.name).strip("-.") or "scenario"
    return Path("asyncsim-out") / slug


def scenario_meta(scenario: Scenario) -> dict[str, Any]:
    return {"name": scenario.name, "description": scenario.description, "seed": scenario.seed,
            "duration_s": scenario.duration, "warmup_s": scenario.warmup,
            "replications": scenario.replications}


def load(path: Path, overrides: Sequence[str] = ()) -> LoadedScenario:
    return load_scenario(path, overrides)


def run(loaded: LoadedScenario, out_dir: Path | None, jobs: int | None = None,
        executor: Executor = "local", scheduler: str | None = None,
        progress: Progress | None = None,
        on_progress_start: Callable[[int], None] | None = None) -> RunOutput:
    """Run every strategy and replication; write summary.json when ``out_dir`` is given."""
    scenario = loaded.scenario
    strategies = strategy_specs(scenario)
    if on_progress_start:
        on_progress_start(len(strategies) * scenario.replications)
    started = time.perf_counter()
    runs = run_experiment(simulation_spec(scenario), strategies, scenario.replications,
                          partial(reduce_run), jobs=jobs, executor=executor,
                          scheduler=scheduler, progress=progress)
    wall_s = time.perf_counter() - started
    summary = build_summary(scenario_meta(scenario), runs)
    if out_dir is not None:
        write_atomic(out_dir / "summary.json", dumps(summary))
    return RunOutput(scenario, summary, runs, wall_s, out_dir)
