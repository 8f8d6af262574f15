"""What the commands do, without the terminal: load, run, reduce, write.

cli.py parses arguments and prints; this module is the glue between the scenario
language, the runner and the reports, so it can be called from Python and tests too.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asyncsim.lang.thresholds import (
    Threshold,
    ThresholdError,
    parse_threshold,
    split_cli_threshold,
)
from asyncsim.reports.abort import stop_check
from asyncsim.reports.baseline import parse_compare_fail
from asyncsim.reports.compare import MetricComparison, compare_strategies, compare_summaries
from asyncsim.reports.gates import Gates, Verdict, change_text, judge, observed_text
from asyncsim.reports.junit import junit_xml
from asyncsim.reports.markdown import markdown_summary
from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.reports.outputs import OutputOptions, check_outputs, write_run_outputs
from asyncsim.reports.report_data import Check, ReportMeta, fault_windows
from asyncsim.reports.summary import RunPerformance, RunSummary, reduce_run
from asyncsim.reports.summary_json import build_summary, read_summary
from asyncsim.reports.thresholds import Stop
from asyncsim.reports.writers import dumps, write_atomic
from asyncsim.runner import Executor, Progress, run_experiment, run_points
from asyncsim.scenarios.build import simulation_spec, strategy_specs
from asyncsim.scenarios.load import LoadedScenario, load_scenario
from asyncsim.scenarios.models import Scenario
from asyncsim.scenarios.problems import Problem, ScenarioError
from asyncsim.scenarios.thresholds import known_tag_values
from asyncsim.sim.simulation import StrategySpec

if TYPE_CHECKING:  # plotting, pandas and the sweep load only for the commands using them
    import pandas as pd

    from asyncsim.reports.html import PlotlyJs
    from asyncsim.reports.sweep import Param, Point


class UsageError(ValueError):
    """A command used wrongly (exit 2): unknown strategy, missing argument."""


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


def default_out_dir(scenario: Scenario) -> Path:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", scenario.name).strip("-.") or "scenario"
    return Path("asyncsim-out") / slug


def scenario_meta(scenario: Scenario) -> dict[str, Any]:
    return {"name": scenario.name, "description": scenario.description, "seed": scenario.seed,
            "duration_s": scenario.duration, "warmup_s": scenario.warmup,
            "replications": scenario.replications}


def load(path: Path, overrides: Sequence[str] = ()) -> LoadedScenario:
    return load_scenario(path, overrides, metrics=REGISTRY)


def report_meta(scenario: Scenario, verdict: Verdict | None = None) -> ReportMeta:
    """What a report shows besides the summary: layers, workers, faults, the date."""
    return ReportMeta(
        strategies={name: tuple(item.chosen()[0] for item in items)
                    for name, items in scenario.strategies.items()},
        backends={name: b.workers for name, b in scenario.backends.items()},
        faults=fault_windows(scenario.backends),
        generated_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        checks=verdict_checks(verdict) if verdict is not None else ())


def verdict_checks(verdict: Verdict) -> tuple[Check, ...]:
    """The thresholds and baseline gates of a verdict as the report's pass/fail lines."""
    checks = []
    if verdict.thresholds is not None:
        for result in verdict.thresholds.results:
            detail = observed_text(result) + (f"; {result.note}" if result.note else "")
            checks.append(Check(f"{result.threshold.text} ({result.strategy})", result.ok,
                                detail))
    if verdict.baseline is not None:
        for c in verdict.baseline.comparisons:
            if not c.skipped:
                checks.append(Check(f"{c.gate.text} vs baseline ({c.strategy})",
                                    not c.regressed, change_text(c)))
    return tuple(checks)


def run(loaded: LoadedScenario, out_dir: Path | None, jobs: int | None = None,
        executor: Executor = "local", scheduler: str | None = None,
        progress: Progress | None = None,
        on_progress_start: Callable[[int], None] | None = None,
        gates: Gates | None = None, outputs: OutputOptions | None = None) -> RunOutput:
    """Run every strategy and replication, judge the gates (default: the scenario's
    thresholds); when ``out_dir`` is given write summary.json, with the verdict, and
    report.html beside it (plus raw data and PNGs when ``outputs`` asks)."""
    scenario = loaded.scenario
    gates = run_gates(loaded) if gates is None else gates
    options = outputs or OutputOptions()
    if out_dir is not None:
        check_outputs(options)
    strategies = strategy_specs(scenario)
    if on_progress_start:
        on_progress_start(len(strategies) * scenario.replications)
    spec = simulation_spec(scenario)
    spec = replace(spec, stop_check=stop_check(gates.thresholds, spec.duration_s,
                                               spec.warmup_s))
    started = time.perf_counter()
    runs = run_experiment(spec, strategies, scenario.replications,
                          partial(reduce_run, extra_percentiles=gates.extra_percentiles,
                                  keep_raw=out_dir is not None and options.raw is not None),
                          jobs=jobs, executor=executor, scheduler=scheduler,
                          progress=progress)
    wall_s = time.perf_counter() - started
    summary = build_summary(scenario_meta(scenario), runs)
    stops = [Stop(r.strategy, r.replication, r.stopped_at_s, r.stop_reason or "")
             for r in runs if r.stopped_at_s is not None]
    verdict = judge(gates, summary, stops)
    summary.update(verdict.sections())
    written: list[Path] = []
    if out_dir is not None:
        write_atomic(out_dir / "summary.json", dumps(summary))
        written = [out_dir / "summary.json"]
        written += write_run_outputs(out_dir, summary, runs, report_meta(scenario, verdict),
                                     options)
    return RunOutput(scenario, summary, runs, wall_s, out_dir, verdict, written)


# ----------------------------------------------------------------------------- gates


def run_gates(loaded: LoadedScenario, thresholds: Sequence[str] = (),
              baseline: Path | None = None, compare_fail: Sequence[str] = ()) -> Gates:
    """The scenario's thresholds plus the command line's, and the baseline rules.

    Called before running so a typo or an unreadable baseline fails in a second, not
    after the simulation.
    """
    scenario = loaded.scenario
    return _gates(thresholds, compare_fail, baseline, known_tag_values(scenario),
                  loaded.thresholds)


def _gates(thresholds: Sequence[str], compare_fail: Sequence[str], baseline: Path | None,
           known: Mapping[str, Iterable[str]], first: Sequence[Threshold] = ()) -> Gates:
    """Parse ``--threshold`` and ``--compare-fail`` options; every problem at once."""
    problems: list[Problem] = []
    parsed = list(first)
    for text in thresholds:
        try:
            target, expression, offset = split_cli_threshold(text)
            parsed.append(parse_threshold(target, expression, REGISTRY, known))
        except ThresholdError as err:
            col = err.offset + (offset if err.part == "expression" else 0) + 1
            problems.append(Problem(f"<--threshold {text}>", 1, col, "", err.message))
    rules = []
    for text in compare_fail:
        try:
            rules.append(parse_compare_fail(text))
        except ThresholdError as err:
            problems.append(Problem(f"<--compare-fail {text}>", 1, err.offset + 1, "",
                                    err.message))
    if problems:
        raise ScenarioError(problems)
    return Gates(tuple(parsed), tuple(rules),
                 read_summary(baseline) if baseline is not None else None)


def known_in_summary(summary: Mapping[str, Any]) -> dict[str, list[str]]:
    """The strategies and backends a summary.json has values for (for ``check``)."""
    backends = {m.group(1) for s in summary["strategies"].values() for key in s["values"]
                for m in re.finditer(r"\{backend:([^}]+)\}", key)}
    return {"strategy": sorted(summary["strategies"]), "backend": sorted(backends)}


def check(current: Path, baseline: Path | None = None, compare_fail: Sequence[str] = (),
          thresholds: Sequence[str] = ()) -> tuple[dict[str, Any], Verdict]:
    """Judge an existing summary.json: thresholds on its values, rules against a baseline."""
    summary = read_summary(current)
    gates = _gates(thresholds, compare_fail, baseline, known_in_summary(summary))
    stopped = summary.get("thresholds", {}).get("stopped_early", [])
    stops = [Stop(s["strategy"], s["replication"], s["sim_time_s"], s["threshold"])
             for s in stopped]
    return summary, judge(gates, summary, stops)


def write_ci_reports(verdict: Verdict, summary: Mapping[str, Any], junit: Path | None = None,
                     markdown: Path | None = None) -> None:
    if junit is not None:
        write_atomic(junit, junit_xml(verdict, summary["scenario"]))
    if markdown is not None:
        write_atomic(markdown, markdown_summary(verdict, summary))


# --------------------------------------------------------------------------- compare


@dataclass
class CompareOutput:
    rows: list[MetricComparison]
    a_label: str
    b_label: str
    title: str


def compare(a: Path, b: Path | None = None, strategies: tuple[str, str] | None = None,
            html: Path | None = None, plotly_js: PlotlyJs = "inline") -> CompareOutput:
    """Two summary.json files (b against a), or two strategies of one (``strategies``)."""
    first = read_summary(a)
    if strategies is not None:
        base, other = strategies
        try:
            rows = compare_strategies(first, base, other)
        except KeyError as err:
            raise UsageError(f"{a}: {err.args[0]}") from None
        out = CompareOutput(rows, base, other, str(first.get("scenario", {}).get("name", "")))
    else:
        if b is None:
            raise UsageError("compare needs two summary files, or --strategies A,B")
        second = read_summary(b)
        rows = compare_summaries(first, second)
        names = {str(s.get("scenario", {}).get("name", "")) for s in (first, second)}
        out = CompareOutput(rows, str(a), str(b), " vs ".join(sorted(names)))
    if html is not None:
        from asyncsim.reports.compare_view import render_compare_html

        write_atomic(html, render_compare_html(out.rows, out.a_label, out.b_label, out.title,
                                               plotly_js))
    return out


# --------------------------------------------------------------------------- sweep


@dataclass
class SweepOutput:
    params: list[Param]
    points: list[Point]
    table: pd.DataFrame
    written: list[Path]
    wall_s: float


def sweep_points(path: Path, params: Sequence[Param], overrides: Sequence[str] = ()
                 ) -> tuple[list[Point], list[Scenario]]:
    """Every grid point as a validated scenario; all problems of all points at once."""
    from asyncsim.reports.sweep import grid

    points = grid(params)
    scenarios, problems = [], []
    for point in points:
        try:
            scenarios.append(load_scenario(path, [*overrides, *point.assignments],
                                           metrics=REGISTRY).scenario)
        except ScenarioError as err:
            problems += [Problem(p.source, p.line, p.col, p.path,
                                 f"{p.message} (sweep point {point.label})")
                         for p in err.problems]
    if problems:
        raise ScenarioError(problems)
    return points, scenarios


def _selected(scenario: Scenario, names: Sequence[str] | None) -> list[StrategySpec]:
    specs = strategy_specs(scenario)
    if not names:
        return specs
    unknown = sorted(set(names) - {s.name for s in specs})
    if unknown:
        raise UsageError(f"no strategy {', '.join(map(repr, unknown))} in the scenario "
                         f"(have: {', '.join(s.name for s in specs)})")
    return [s for s in specs if s.name in names]


def sweep(path: Path, param_texts: Sequence[str], out_dir: Path, steps: int = 8,
          log: bool = False, overrides: Sequence[str] = (), strategies: Sequence[str] | None = None,
          jobs: int | None = None, plotly_js: PlotlyJs = "inline",
          progress: Progress | None = None,
          on_progress_start: Callable[[int], None] | None = None) -> SweepOutput:
    """Run every point of the grid and write sweep.csv (and .parquet), sweep.html.

    Strategies the parameters do not address are simulated at the first point only and
    reused at the others (their numbers cannot change: same seed, same configuration).
    """
    from asyncsim.reports.raw import encode_table, raw_format_problem
    from asyncsim.reports.sweep import parse_param, sweep_table, swept_strategies
    from asyncsim.reports.sweep_html import render_sweep_report

    params = [parse_param(text, steps, log) for text in param_texts]
    points, scenarios = sweep_points(path, params, overrides)
    selected = [_selected(s, strategies) for s in scenarios]
    swept = swept_strategies(params, [s.name for s in selected[0]])
    to_run = [sel if i == 0 else [s for s in sel if s.name in swept]
              for i, sel in enumerate(selected)]
    if on_progress_start:
        on_progress_start(sum(len(sel) * s.replications
                              for sel, s in zip(to_run, scenarios, strict=True)))
    started = time.perf_counter()
    results = run_points([(simulation_spec(s), sel, s.replications)
                          for s, sel in zip(scenarios, to_run, strict=True)],
                         reduce_run, jobs=jobs, progress=progress)
    wall_s = time.perf_counter() - started
    reference = [r for r in results[0] if r.strategy not in swept]
    summaries = [build_summary(scenario_meta(s), runs if i == 0 else [*runs, *reference])
                 for i, (s, runs) in enumerate(zip(scenarios, results, strict=True))]
    table = sweep_table(params, points, summaries, swept)
    written = [out_dir / "sweep.csv"]
    write_atomic(written[0], encode_table(table, "csv"))
    if raw_format_problem("parquet") is None:
        written.append(out_dir / "sweep.parquet")
        write_atomic(written[-1], encode_table(table, "parquet"))
    order = [s.name for s in selected[0]]
    written.append(out_dir / "sweep.html")
    write_atomic(written[-1], render_sweep_report(table, params, order,
                                                  scenario_meta(scenarios[0]), summaries[0],
                                                  plotly_js))
    return SweepOutput(params, points, table, written, wall_s)
