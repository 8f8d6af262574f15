"""``asyncsim sweep``: a scenario over a grid of parameter values, as a table and a report."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asyncsim.commands.common import (
    UsageError,
    default_out_dir,
    load,
    objectives_of,
    recovery_settings,
    scenario_meta,
)
from asyncsim.commands.interrupts import raise_if_stopped
from asyncsim.reports.files.output_set import SWEEP_NAMES, StagedOutput, output_error
from asyncsim.reports.files.summary_json import build_summary
from asyncsim.reports.files.writers import write_atomic
from asyncsim.reports.reduction import reduce_run
from asyncsim.runner import Executor, Progress, run_points
from asyncsim.scenarios.build import simulation_spec, strategy_specs
from asyncsim.scenarios.models import Scenario
from asyncsim.scenarios.problems import Problem, ScenarioError
from asyncsim.sim.simulation import StrategySpec

if TYPE_CHECKING:  # pandas, plotting and the sweep load only when a sweep runs
    import pandas as pd

    from asyncsim.reports.render.page import PlotlyJs
    from asyncsim.reports.sweep.params import Param, Point


@dataclass
class SweepOutput:
    params: list[Param]
    points: list[Point]
    table: pd.DataFrame
    written: list[Path]
    wall_s: float
    summary: dict[str, Any] = field(default_factory=dict)
    """The first point's summary with the scenario's objectives: units, directions and
    the columns of the terminal table."""


def sweep_out_dir(scenario: Scenario) -> Path:
    """``asyncsim-out/<scenario>-sweep``: beside the run's folder, not inside it."""
    run_dir = default_out_dir(scenario)
    return run_dir.with_name(run_dir.name + "-sweep")


def strategy_names(text: str | None) -> list[str] | None:
    """``--strategies a,b`` as names (None: every strategy)."""
    return [n.strip() for n in text.split(",")] if text else None


def sweep_points(path: Path, params: Sequence[Param], overrides: Sequence[str] = ()
                 ) -> tuple[list[Point], list[Scenario]]:
    """Every grid point as a validated scenario; all problems of all points at once."""
    from asyncsim.reports.sweep.params import grid

    points = grid(params)
    scenarios, problems = [], []
    for point in points:
        try:
            scenarios.append(load(path, [*overrides, *point.assignments]).scenario)
        except ScenarioError as err:
            problems += [Problem(p.source, p.line, p.col, p.path,
                                 f"{p.message} (sweep point {point.label})")
                         for p in err.problems]
    if problems:
        raise ScenarioError(problems)
    return points, scenarios


def selected_strategies(scenario: Scenario, names: Sequence[str] | None) -> list[StrategySpec]:
    specs = strategy_specs(scenario)
    if not names:
        return specs
    unknown = sorted(set(names) - {s.name for s in specs})
    if unknown:
        raise UsageError(f"no strategy {', '.join(map(repr, unknown))} in the scenario "
                         f"(have: {', '.join(s.name for s in specs)})")
    return [s for s in specs if s.name in names]


def run_sweep(path: Path, param_texts: Sequence[str], out_dir: Path, steps: int = 8,
              log: bool = False, overrides: Sequence[str] = (),
              strategies: Sequence[str] | None = None, jobs: int | None = None,
              executor: Executor = "local", scheduler: str | None = None,
              plotly_js: PlotlyJs = "inline", progress: Progress | None = None,
              on_progress_start: Callable[[int], None] | None = None) -> SweepOutput:
    """Run every point of the grid and write sweep.csv (and .parquet), sweep.html.

    Strategies the parameters do not address are simulated at the first point only and
    reused at the others (their numbers cannot change: same seed, same configuration).
    """
    from asyncsim.reports.files.raw import encode_table, raw_format_problem
    from asyncsim.reports.sweep.page import render_sweep_report
    from asyncsim.reports.sweep.params import parse_param, swept_strategies
    from asyncsim.reports.sweep.table import sweep_table

    params = [parse_param(text, steps, log) for text in param_texts]
    points, scenarios = sweep_points(path, params, overrides)
    selected = [selected_strategies(s, strategies) for s in scenarios]
    swept = swept_strategies(params, [s.name for s in selected[0]])
    to_run = [sel if i == 0 else [s for s in sel if s.name in swept]
              for i, sel in enumerate(selected)]
    staged = StagedOutput(out_dir, SWEEP_NAMES)  # checks the folder before simulating
    try:
        if on_progress_start:
            on_progress_start(sum(len(sel) * s.replications
                                  for sel, s in zip(to_run, scenarios, strict=True)))
        raise_if_stopped()
        started = time.perf_counter()
        results = run_points([(replace(simulation_spec(s), keep_requests=False), sel,
                               s.replications)
                              for s, sel in zip(scenarios, to_run, strict=True)],
                             partial(reduce_run, recovery=recovery_settings(scenarios[0])),
                             jobs=jobs, executor=executor,
                             scheduler=scheduler, progress=progress)
        wall_s = time.perf_counter() - started
        reference = [r for r in results[0] if r.strategy not in swept]
        summaries = [build_summary(scenario_meta(s), runs if i == 0 else [*runs, *reference])
                     for i, (s, runs) in enumerate(zip(scenarios, results, strict=True))]
        table = sweep_table(params, points, summaries, swept)
        order = [s.name for s in selected[0]]
        try:
            written = [staged.path / "sweep.csv"]
            write_atomic(written[0], encode_table(table, "csv"))
            if raw_format_problem("parquet") is None:
                written.append(staged.path / "sweep.parquet")
                write_atomic(written[-1], encode_table(table, "parquet"))
            written.append(staged.path / "sweep.html")
            write_atomic(written[-1], render_sweep_report(table, params, order,
                                                          scenario_meta(scenarios[0]),
                                                          summaries[0], plotly_js))
        except OSError as error:
            raise output_error(out_dir, error) from None
        staged.commit()
        written = [staged.final(p) for p in written]
        first = {**summaries[0],
                 "objectives": objectives_of(load(path, [*overrides, *points[0].assignments]))}
        return SweepOutput(params, points, table, written, wall_s, first)
    finally:
        staged.discard()
