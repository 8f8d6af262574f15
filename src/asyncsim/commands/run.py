"""``asyncsim run``: every strategy and replication of a scenario, judged and written."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from asyncsim.commands.common import objectives_of, recovery_settings, scenario_meta
from asyncsim.commands.gates import run_gates, verdict_checks
from asyncsim.commands.interrupts import raise_if_stopped
from asyncsim.reports.files.output_set import (
    SPOOL_NAME,
    StagedOutput,
    output_error,
    pause_for_tests,
)
from asyncsim.reports.files.outputs import OutputOptions, check_outputs, write_run_outputs
from asyncsim.reports.files.summary_json import build_summary
from asyncsim.reports.files.writers import dumps, write_atomic
from asyncsim.reports.gates.abort import stop_check
from asyncsim.reports.gates.thresholds import Stop
from asyncsim.reports.gates.verdict import Gates, Verdict, judge
from asyncsim.reports.headline import headline
from asyncsim.reports.reduction import RunPerformance, RunSummary, reduce_run
from asyncsim.reports.render.report_data import ReportMeta, fault_windows
from asyncsim.runner import ClockProgress, Executor, Progress, run_experiment
from asyncsim.scenarios.build import simulation_spec, strategy_specs
from asyncsim.scenarios.load import LoadedScenario
from asyncsim.scenarios.models import Scenario


@dataclass
class RunOutput:
    scenario: Scenario
    summary: dict[str, Any]
    runs: list[RunSummary]
    wall_s: float
    out_dir: Path | None
    verdict: Verdict = field(default_factory=Verdict)
    written: list[Path] = field(default_factory=list)
    """Files written, summary.json first."""

    @property
    def performance(self) -> list[RunPerformance]:
        return [r.performance for r in self.runs]

    @property
    def strategy_order(self) -> list[str]:
        return list(self.scenario.strategies)


def report_meta(scenario: Scenario, verdict: Verdict | None = None) -> ReportMeta:
    """What a report shows besides the summary: layers, workers, faults, the date."""
    return ReportMeta(
        strategies={name: tuple(item.chosen()[0] for item in items)
                    for name, items in scenario.strategies.items()},
        backends={name: b.workers for name, b in scenario.backends.items()},
        replicas=_replicas_by_strategy(scenario),
        faults=fault_windows(scenario.backends),
        generated_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        checks=verdict_checks(verdict) if verdict is not None else (),
        recovery_tolerance=scenario.recovery.tolerance)


def _replicas_by_strategy(scenario: Scenario) -> dict[str, dict[str, int]]:
    """Each strategy's replica count per backend: the scenario's, or its ``system``'s."""
    plain = {name: b.replicas for name, b in scenario.backends.items()}
    return {spec.name: plain if spec.backends is None else
            {backend.name: backend.replicas for backend in spec.backends}
            for spec in strategy_specs(scenario)}


def run_scenario(loaded: LoadedScenario, out_dir: Path | None, jobs: int | None = None,
                 executor: Executor = "local", scheduler: str | None = None,
                 progress: Progress | None = None,
                 on_progress_start: Callable[..., None] | None = None,
                 gates: Gates | None = None, outputs: OutputOptions | None = None,
                 clock: ClockProgress | None = None,
                 report_every_wall_s: float = 0.25) -> RunOutput:
    """Run every strategy and replication, judge the gates (default: the scenario's
    thresholds); when ``out_dir`` is given write summary.json, with the verdict, and
    report.html beside it (plus raw data and PNGs when ``outputs`` asks).

    The files land as one set (reports/files/output_set.py): ``--out`` is checked before
    the simulation, and on any error or interruption it is left as it was."""
    gates = run_gates(loaded) if gates is None else gates
    options = outputs or OutputOptions()
    if out_dir is not None:
        check_outputs(options)
    staged = StagedOutput(out_dir) if out_dir is not None else None
    try:
        return _run(loaded, staged, gates, options, jobs, executor, scheduler, progress,
                    on_progress_start, clock, report_every_wall_s)
    finally:
        if staged is not None:
            staged.discard()


def _run(loaded: LoadedScenario, staged: StagedOutput | None, gates: Gates,
         options: OutputOptions, jobs: int | None, executor: Executor, scheduler: str | None,
         progress: Progress | None, on_progress_start: Callable[..., None] | None,
         clock: ClockProgress | None, report_every_wall_s: float) -> RunOutput:
    scenario = loaded.scenario
    strategies = strategy_specs(scenario)
    if on_progress_start:
        on_progress_start(len(strategies) * scenario.replications, scenario.duration)
    spec = simulation_spec(scenario)
    keep_raw = staged is not None and options.raw is not None
    spool = staged.path / SPOOL_NAME if staged is not None and keep_raw else None
    spec = replace(spec, stop_check=stop_check(gates.thresholds, spec.duration_s,
                                               spec.warmup_s, recovery_settings(scenario)),
                   keep_requests=False, raw_dir=str(spool) if spool is not None else None)
    raise_if_stopped()
    started = time.perf_counter()
    runs = run_experiment(spec, strategies, scenario.replications,
                          partial(reduce_run, extra_percentiles=gates.extra_percentiles,
                                  keep_raw=keep_raw, recovery=recovery_settings(scenario),
                                  keep_intervals=staged is not None and options.hlog),
                          jobs=jobs, executor=executor, scheduler=scheduler,
                          progress=progress, clock=clock,
                          report_every_wall_s=report_every_wall_s)
    wall_s = time.perf_counter() - started
    summary = build_summary(scenario_meta(scenario), runs)
    summary["objectives"] = objectives_of(loaded)
    summary["headline"] = headline(summary)
    stops = [Stop(r.strategy, r.replication, r.stopped_at_s, r.stop_reason or "")
             for r in runs if r.stopped_at_s is not None]
    verdict = judge(gates, summary, stops)
    summary.update(verdict.sections())
    written: list[Path] = []
    if staged is not None:
        try:
            write_atomic(staged.path / "summary.json", dumps(summary))
            pause_for_tests()
            written = [staged.path / "summary.json"]
            written += write_run_outputs(staged.path, summary, runs,
                                         report_meta(scenario, verdict), options)
            if spool is not None:
                shutil.rmtree(spool, ignore_errors=True)
        except OSError as error:
            raise output_error(staged.target, error) from None
        staged.commit()
        written = [staged.final(path) for path in written]
    return RunOutput(scenario, summary, runs, wall_s, staged.target if staged else None,
                     verdict, written)
