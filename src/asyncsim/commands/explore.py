"""``asyncsim explore``: where a scenario tips over.

One ``--vary PATH=LOW..HIGH``: a bisection per strategy for the value where a yes/no
outcome (default ``metastable``) crosses P = 0.5, each point decided by the Wilson
interval of its replications (reports/explore/search.py). Two ``--vary``: a map of
P(yes) over a grid of both (a heat map per strategy).

Every input is checked, and the budget against the cost estimate, before anything runs;
then the runs go through the sweep's machinery (``--set``-style points validated like the
file, ``runner.run_points`` on local processes or Dask, the worker-side reduction), so
explore.json is byte-identical for a seed whatever ``--jobs`` or the executor.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asyncsim.commands.common import default_out_dir, load, recovery_settings, scenario_meta
from asyncsim.commands.interrupts import raise_if_stopped
from asyncsim.commands.sweep import selected_strategies, sweep_points
from asyncsim.reports.explore.outcome import Outcome, OutcomeError, parse_outcome
from asyncsim.reports.explore.search import Ask, Bisection, planned_runs
from asyncsim.reports.files.output_set import EXPLORE_NAMES, StagedOutput, output_error
from asyncsim.reports.files.writers import dumps, write_atomic
from asyncsim.reports.reduction import RunSummary, reduce_run
from asyncsim.reports.sweep.params import (
    Param,
    SweepError,
    is_integral,
    parse_param,
    value_text,
)
from asyncsim.runner import Executor, Progress, run_points
from asyncsim.scenarios.build import simulation_spec
from asyncsim.scenarios.checks.cost import estimate_cost
from asyncsim.scenarios.load import LoadedScenario
from asyncsim.scenarios.models import Scenario
from asyncsim.scenarios.problems import Problem, ScenarioError
from asyncsim.scenarios.thresholds import known_tag_values
from asyncsim.sim.simulation import StrategySpec

if TYPE_CHECKING:
    from asyncsim.reports.render.page import PlotlyJs

DEFAULT_SLICES = 16
"""Without --tolerance, a bisection stops at 1/16 of the range: four halvings."""


@dataclass(frozen=True)
class Budget:
    max_runs: int
    max_requests: float


@dataclass(frozen=True)
class Settings:
    """What ``asyncsim explore`` was asked, as the command line gave it."""

    vary: Sequence[str]
    outcome: str = "metastable"
    replications: int = 10
    max_replications: int | None = None
    tolerance: str | None = None
    steps: int = 5
    log: bool = False
    strategies: Sequence[str] | None = None
    budget: Budget = field(default_factory=lambda: Budget(400, 2e8))


@dataclass
class ExploreOutput:
    document: dict[str, Any]
    written: list[Path]
    wall_s: float
    notes: list[str] = field(default_factory=list)


def explore_out_dir(loaded: LoadedScenario) -> Path:
    """``asyncsim-out/<scenario>-explore``, beside the run's folder."""
    run_dir = default_out_dir(loaded.scenario)
    return run_dir.with_name(run_dir.name + "-explore")


def _problem(option: str, text: str, message: str, col: int = 1) -> ScenarioError:
    return ScenarioError([Problem(f"<{option} {text}>", 1, col, "", message)])


def parse_vary(text: str, steps: int, log: bool) -> Param:
    """``PATH=LOW..HIGH`` as a sweep parameter; a list or a bad range exits 104."""
    path, _, spec = text.partition("=")
    if ".." not in spec:
        raise _problem("--vary", text, "expected PATH=LOW..HIGH, a numeric range such as "
                       "backends.api.faults.0.for=2s..30s", len(path) + 2)
    try:
        param = parse_param(text, steps, log)
    except SweepError as error:
        raise _problem("--vary", text, str(error).replace("--param", "--vary"),
                       len(path) + 2) from None
    low, high = param.numbers[0], param.numbers[-1]
    if not low < high:
        raise _problem("--vary", text, f"the low end must be below the high end (got "
                       f"{param.texts[0]} .. {param.texts[-1]})", len(path) + 2)
    return param


def _load_at(path: Path, overrides: Sequence[str], vary: str, assignment: str
             ) -> LoadedScenario:
    """The scenario with one end of a range applied; a problem of the override (an unknown
    path, with did-you-mean) is shown as one of the --vary option."""
    try:
        return load(path, [*overrides, assignment])
    except ScenarioError as error:
        source = f"<--set {assignment}>"
        raise ScenarioError([Problem(f"<--vary {vary}>", p.line, p.col, p.path, p.message)
                             if p.source == source else p for p in error.problems]) from None


def _outcome(text: str, loaded: LoadedScenario) -> Outcome:
    try:
        outcome = parse_outcome(text, known_tag_values(loaded.scenario))
    except OutcomeError as error:
        raise _problem("--outcome", text, error.message, error.offset + 1) from None
    if outcome.needs_fault and not any(b.faults for b in loaded.scenario.backends.values()):
        raise ScenarioError([Problem(loaded.source, 1, 1, "backends", (
            f"explore's outcome {outcome.metric!r} is measured after a fault, and the "
            "scenario has none (add backends.<name>.faults, or explore a threshold with "
            "--outcome 'metric: expression')"))])
    return outcome


def _tolerance(text: str | None, param: Param) -> float:
    low, high = param.numbers[0], param.numbers[-1]
    if text is None:
        return (high - low) / DEFAULT_SLICES
    unit = {"s": "a duration such as 1s", "1/s": "a rate such as 5/s"}.get(
        param.unit, "a plain number")
    try:
        tolerance = parse_param(f"x={text}..{text}", 1).numbers[0]
    except SweepError:
        tolerance = math.nan
    if param.unit != parse_param(f"x={text},{text}").unit or math.isnan(tolerance):
        raise _problem("--tolerance", text, f"expected {unit}, in the unit of {param.path}")
    if not tolerance > 0:
        raise _problem("--tolerance", text, "the tolerance must be above zero")
    return float(tolerance)


def _per_run_requests(scenario: Scenario) -> float:
    cost = estimate_cost(scenario)
    return cost.requests_per_replication * cost.calls_per_request


def _check_budget(budget: Budget, runs: int, per_run: float, what: str) -> None:
    """Refuse before running when the budget cannot pay for the least the search needs."""
    if runs > budget.max_runs:
        raise _problem("--max-runs", str(budget.max_runs),
                       f"the budget of {budget.max_runs} runs cannot pay for {what} "
                       f"({runs} runs); raise --max-runs or lower --replications")
    if runs * per_run > budget.max_requests:
        raise _problem("--max-requests", f"{budget.max_requests:g}",
                       f"the budget of {budget.max_requests:.3g} simulated requests cannot "
                       f"pay for {what} (about {runs * per_run:.3g}); raise --max-requests "
                       "or lower --replications")


class _Runner:
    """Runs batches through the sweep's machinery and counts what they cost."""

    def __init__(self, path: Path, overrides: Sequence[str], outcome: Outcome,
                 loaded: LoadedScenario, jobs: int | None, executor: Executor,
                 scheduler: str | None, progress: Progress | None) -> None:
        self.path, self.overrides, self.outcome = path, overrides, outcome
        self.reduce = partial(reduce_run, extra_percentiles=outcome.extra_percentiles(),
                              recovery=recovery_settings(loaded.scenario))
        self.jobs, self.executor, self.scheduler = jobs, executor, scheduler
        self.progress = progress
        self.runs = 0
        self.requests = 0.0
        self.loaded: dict[tuple[str, ...], Scenario] = {}

    def point(self, assignments: tuple[str, ...]) -> Scenario:
        if assignments not in self.loaded:
            self.loaded[assignments] = load(self.path, [*self.overrides, *assignments]).scenario
        return self.loaded[assignments]

    def run(self, batch: Sequence[tuple[tuple[str, ...], StrategySpec, range]]
            ) -> list[list[bool]]:
        """Outcomes of each (assignment, strategy, replications), in replication order."""
        done = self.runs

        def report(finished: int, _total: int) -> None:
            if self.progress is not None:
                self.progress(done + finished, 0)
        points = [(simulation_spec(self.point(a)), [s], reps) for a, s, reps in batch]
        raise_if_stopped()
        results = run_points(points, self.reduce, jobs=self.jobs, executor=self.executor,
                             scheduler=self.scheduler, progress=report)
        self.runs += sum(len(reps) for *_, reps in batch)
        self.requests += sum(len(reps) * _per_run_requests(self.point(a))
                             for a, _, reps in batch)
        return [[self._flag(run, a) for run in runs]
                for (a, _, _), runs in zip(batch, results, strict=True)]

    def _flag(self, run: RunSummary, assignments: tuple[str, ...]) -> bool:
        scenario = self.point(assignments)
        flag = self.outcome.flag(run.values, scenario.duration - scenario.warmup)
        if flag is None:
            raise _problem("--outcome", self.outcome.text, (
                f"no value at {', '.join(assignments)} ({run.strategy}, replication "
                f"{run.replication}): the outcome needs a fault that starts after the "
                "warm-up and ends before the run does"))
        return flag


def run_explore(path: Path, settings: Settings, out_dir: Path | None = None,
                overrides: Sequence[str] = (), jobs: int | None = None,
                executor: Executor = "local", scheduler: str | None = None,
                plotly_js: PlotlyJs = "inline", progress: Progress | None = None,
                on_start: Callable[[int, list[str]], None] | None = None) -> ExploreOutput:
    """Check everything, then search (one --vary) or map (two) and write explore.json and
    explore.html. ``on_start`` hears the planned runs and the notes before the first run."""
    from asyncsim.reports.explore.document import bisection_document, map_document
    from asyncsim.reports.explore.page import render_explore_report

    if len(settings.vary) not in (1, 2):
        raise _problem("--vary", " ".join(settings.vary) or "(none)",
                       "give one --vary (the tipping point) or two (a map)")
    base = load(path, overrides)
    outcome = _outcome(settings.outcome, base)
    params = [parse_vary(text, settings.steps, settings.log) for text in settings.vary]
    ends = [(text, [_load_at(path, overrides, text, f"{p.path}={p.texts[i]}")
                    for i in (0, -1)]) for text, p in zip(settings.vary, params, strict=True)]
    strategies = [s for s in selected_strategies(base.scenario, settings.strategies)
                  if outcome.applies_to(s.name)]
    if not strategies:
        raise _problem("--outcome", outcome.text, "the threshold names a strategy that is "
                       "not explored")
    replications = settings.replications
    most = settings.max_replications or 4 * replications
    if most < replications:
        raise _problem("--max-replications", str(most), f"must be at least --replications "
                       f"({replications})")
    per_run = max(_per_run_requests(end.scenario) for _, pair in ends for end in pair)
    notes: list[str] = []
    target = out_dir or explore_out_dir(base)
    runner = _Runner(path, overrides, outcome, base, jobs, executor, scheduler, progress)
    meta = {"scenario": scenario_meta(base.scenario), "outcome": outcome.text,
            "outcome_label": outcome.label, "replications": replications,
            "max_replications": most, "strategies": [s.name for s in strategies],
            "budget": {"max_runs": settings.budget.max_runs,
                       "max_requests": settings.budget.max_requests}}
    if len(params) == 1:
        param = params[0]
        tolerance = _tolerance(settings.tolerance, param)
        _check_budget(settings.budget, 2 * replications * len(strategies), per_run,
                      "the range's two ends")
        integral = param.unit == "" and is_integral(param.texts[0], param.texts[-1])
        least = len(strategies) * planned_runs(
            param.numbers[-1] - param.numbers[0], tolerance, replications, integral,
            param.log, param.numbers[0], param.numbers[-1])
        if least > settings.budget.max_runs or least * per_run > settings.budget.max_requests:
            shown = value_text(tolerance, param.unit, False)
            notes.append(f"the budget cannot reach the tolerance {shown}: that needs at least "
                         f"{least} runs (about {least * per_run:.3g} requests); the bracket "
                         "will be wider")
        staged = StagedOutput(target, EXPLORE_NAMES)
        if on_start:
            on_start(min(least, settings.budget.max_runs), notes)
        started = time.perf_counter()
        searches = _bisect(param, tolerance, integral, strategies, runner, settings, most)
        document = bisection_document(meta, param, tolerance, searches, runner.runs,
                                      runner.requests)
    else:
        points, scenarios = sweep_points(path, params, overrides)
        runner.loaded.update((p.assignments, s) for p, s in zip(points, scenarios, strict=True))
        total = len(strategies) * replications * len(points)
        per_run = max(map(_per_run_requests, scenarios))
        _check_budget(settings.budget, total, per_run, f"a map of {len(points)} points")
        staged = StagedOutput(target, EXPLORE_NAMES)
        if on_start:
            on_start(total, notes)
        started = time.perf_counter()
        flags = runner.run([(point.assignments, strategy, range(replications))
                            for point in points for strategy in strategies])
        document = map_document(meta, params, points, strategies, flags, runner.runs,
                                runner.requests)
    wall_s = time.perf_counter() - started
    try:
        try:
            written = [staged.path / "explore.json", staged.path / "explore.html"]
            write_atomic(written[0], dumps(document))
            write_atomic(written[1], render_explore_report(document, plotly_js))
        except OSError as error:
            raise output_error(target, error) from None
        staged.commit()
        return ExploreOutput(document, [staged.final(p) for p in written], wall_s, notes)
    finally:
        staged.discard()


def _bisect(param: Param, tolerance: float, integral: bool,
            strategies: Sequence[StrategySpec], runner: _Runner, settings: Settings,
            most: int) -> dict[str, Bisection]:
    def snap(value: float) -> tuple[str, float]:
        text = value_text(value, param.unit, integral)
        return text, parse_param(f"x={text}..{text}", 1).numbers[0]

    ends = ((param.texts[0], param.numbers[0]), (param.texts[-1], param.numbers[-1]))
    searches = {s.name: Bisection(ends[0], ends[1], tolerance, settings.replications, most,
                                  snap, integral, param.log) for s in strategies}
    by_name = {s.name: s for s in strategies}
    budget = settings.budget
    while True:
        asks: list[tuple[str, Ask]] = [(name, ask) for name, search in searches.items()
                                       for ask in search.asks()]
        if not asks:
            return searches
        runs = sum(len(ask.reps) for _, ask in asks)
        cost = sum(len(ask.reps) * _per_run_requests(runner.point(_at(param, ask)))
                   for _, ask in asks)
        if (runner.runs + runs > budget.max_runs
                or runner.requests + cost > budget.max_requests):
            for search in searches.values():
                search.stop("budget")
            return searches
        flags = runner.run([(_at(param, ask), by_name[name], ask.reps)
                            for name, ask in asks])
        for (name, ask), outcome in zip(asks, flags, strict=True):
            searches[name].record(ask, outcome)


def _at(param: Param, ask: Ask) -> tuple[str, ...]:
    return (f"{param.path}={ask.text}",)
