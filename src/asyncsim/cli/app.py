"""The ``asyncsim`` command: parse, call a module of :mod:`asyncsim.commands`, print,
exit with a code. (The calibration commands are in :mod:`asyncsim.cli.calibrate`.)"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from asyncsim import __version__
from asyncsim.cli.errors import err, handle_errors, out
from asyncsim.cli.options import (
    BaselineOpt,
    CompareFailOpt,
    ExecutorOpt,
    JobsOpt,
    JunitOpt,
    MarkdownOpt,
    MaxMemoryOpt,
    MaxRequestsOpt,
    PlotlyJsOpt,
    QuietOpt,
    ScenarioArg,
    SchedulerOpt,
    SetOpt,
    ThresholdOpt,
    flag,
    memory_limit,
)
from asyncsim.exit_codes import ExitCode
from asyncsim.reports.render.safe import shown as safe
from asyncsim.scenarios.checks.limits import MAX_REQUESTS

if TYPE_CHECKING:
    from asyncsim.reports.gates.verdict import Verdict

# Each command imports what it uses when it runs: `asyncsim --help` loads typer only
# (pydantic models, numpy, simpy and pandas take most of a second to import). Help is
# click's plain help (rich_markup_mode=None): typer's rich help formatter alone imports in
# about 0.2 s, which would double the time `asyncsim --help` takes (issue 15: <= 0.3 s).


cli = typer.Typer(
    name="asyncsim", rich_markup_mode=None, no_args_is_help=True, add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Simulate async data-fetching and resilience strategies before production does.")


def _version(value: bool) -> None:
    if value:
        out.print(f"asyncsim {__version__}")
        raise typer.Exit()


@cli.callback()
def main_options(
    version: Annotated[bool, flag("--version", callback=_version, is_eager=True,
                                          help="print the version and exit")] = False,
) -> None:
    """asyncsim: strategies side by side, under load and faults, before production."""


def _usage_error(message: str) -> typer.Exit:
    err.print(f"[red]✗ {safe(message)}[/red]", highlight=False)
    return typer.Exit(ExitCode.USAGE)


def _check_executor(executor: str, scheduler: str | None) -> None:
    if scheduler is not None and executor != "dask":
        raise _usage_error("--scheduler is the address of a Dask cluster: add --executor dask")


def _check_baseline_options(baseline: Path | None, compare_fail: list[str] | None) -> None:
    if compare_fail and baseline is None:
        raise _usage_error("--compare-fail needs --baseline (the summary.json to compare with)")
    if baseline is not None and not compare_fail:
        raise _usage_error("--baseline needs at least one --compare-fail rule, e.g. "
                           "--compare-fail p99:5%")


def _finish_gates(verdict: Verdict, summary: dict[str, Any], junit: Path | None,
                  markdown: Path | None) -> None:
    """Write the CI files, then exit 99 when a gate failed (k6's ThresholdsHaveFailed)."""
    from asyncsim.commands.gates import write_ci_reports

    write_ci_reports(verdict, summary, junit, markdown)
    if not verdict.ok:
        raise typer.Exit(ExitCode.GATE_FAILED)


@cli.command()
@handle_errors
def run(
    scenario: ScenarioArg,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", "-o", help="output folder [default: ./asyncsim-out/<scenario-name>]")] = None,
    sets: SetOpt = None,
    replications: Annotated[int | None, typer.Option(
        min=1, help="replications per strategy")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="root seed")] = None,
    jobs: JobsOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    quiet: QuietOpt = False,
    details: Annotated[bool, flag(
        "--details", help="also print every value of every strategy (mean ±95% CI)")] = False,
    threshold: ThresholdOpt = None,
    baseline: BaselineOpt = None,
    compare_fail: CompareFailOpt = None,
    junit: JunitOpt = None,
    markdown: MarkdownOpt = None,
    plotly_js: PlotlyJsOpt = "inline",
    raw: Annotated[Literal["csv", "parquet"] | None, typer.Option(
        help="also write every request and the time series (raw/; parquet needs pyarrow)")] = None,
    png: Annotated[bool, flag(
        "--png", help="also write each chart as PNG (png/; needs the static extra and a "
        "Chrome or Chromium)")] = False,
    hlog: Annotated[bool, flag(
        "--hlog", help="also write latency.hlog, an HdrHistogram interval log per strategy "
        "(needs hdrhistogram)")] = False,
    max_requests: MaxRequestsOpt = MAX_REQUESTS,
    max_memory: MaxMemoryOpt = None,
) -> None:
    """Run every strategy of a scenario and report them side by side.

    Exit 99 when a threshold fails or a --compare-fail rule finds a regression.
    """
    _check_baseline_options(baseline, compare_fail)
    _check_executor(executor, scheduler)
    from asyncsim.commands.workers import prepare_workers

    prepare_workers(jobs, executor)  # first: the workers import while this process does
    from asyncsim.commands.common import default_out_dir, load, overrides, trace_warnings
    from asyncsim.commands.gates import run_gates
    from asyncsim.commands.run import run_scenario
    from asyncsim.reports.files.output_set import check_output_file
    from asyncsim.reports.files.outputs import OutputOptions
    from asyncsim.reports.gates.terminal import gates_block
    from asyncsim.reports.render.progress import RunProgress
    from asyncsim.reports.render.terminal import print_summary
    from asyncsim.scenarios.checks.cost import LONG_RUN_S, estimate_cost

    loaded = load(scenario, overrides(sets, replications=replications, seed=seed),
                  max_requests=max_requests, max_memory_bytes=memory_limit(max_memory))
    _warn(trace_warnings(loaded.scenario))
    cost = estimate_cost(loaded.scenario)
    if cost.cpu_s >= LONG_RUN_S and not quiet:
        err.print(f"[dim]estimate: {safe(cost.text())}[/dim]", highlight=False, soft_wrap=True)
    gates = run_gates(loaded, threshold or [], baseline, compare_fail or [])
    for named in (junit, markdown):
        if named is not None:
            check_output_file(named)
    target = out_dir or default_out_dir(loaded.scenario)
    options = OutputOptions(plotly_js=plotly_js, raw=raw, png=png, hlog=hlog)
    with RunProgress(err, disable=quiet or not err.is_terminal) as bar:
        result = run_scenario(loaded, target, jobs=jobs, executor=executor, scheduler=scheduler,
                              on_progress_start=bar.start, progress=bar.runs_done,
                              gates=gates, outputs=options,
                              clock=bar.clock if bar.enabled else None)
    verdict = result.verdict
    shown = verdict.thresholds is not None or verdict.baseline is not None
    print_summary(out, result.summary, result.strategy_order, result.performance,
                  result.wall_s, thresholds=gates_block(verdict) if shown else None,
                  out_dir=str(target), details=details)
    for path in [p for p in result.written[1:] if p.name != "report.html"]:
        out.print(f"[dim]wrote {safe(path)}[/dim]", highlight=False)
    _finish_gates(verdict, result.summary, junit, markdown)


@cli.command(short_help="Compare two runs or two strategies, metric by metric.")
@handle_errors
def compare(
    a: Annotated[Path, typer.Argument(help="summary.json of the reference (before)",
                                      show_default=False)],
    b: Annotated[Path | None, typer.Argument(
        help="summary.json to compare with it (after); omit with --strategies",
        show_default=False)] = None,
    strategies: Annotated[str | None, typer.Option(
        "--strategies", help="compare two strategies of one run: --strategies A,B "
        "(B against A)")] = None,
    html: Annotated[Path | None, typer.Option(
        "--html", help="also write a report of every metric to this HTML file")] = None,
    show_all: Annotated[bool, flag(
        "--all", help="list every metric, not only the significant changes")] = False,
    plotly_js: PlotlyJsOpt = "inline",
) -> None:
    """Compare two runs (or two strategies) metric by metric: delta, 95% CI, verdict.

    Verdicts use each metric's better direction; a change is significant when the paired
    difference over replications is, after Holm's correction over all metrics. Exit 0
    whatever the verdicts (gating is `asyncsim check`'s job).
    """
    from rich.console import Console

    from asyncsim.commands.compare import compare_runs, strategy_pair
    from asyncsim.reports.compare.terminal import comparison_table, summary_line

    result = compare_runs(a, b, strategy_pair(strategies, b), html, plotly_js)
    out.print(f"a: {safe(result.a_label)}\nb: {safe(result.b_label)}", highlight=False)
    for note in result.notes:
        out.print(f"[yellow]{safe(note)}[/yellow]", highlight=False)
    shown = result.rows if show_all else [r for r in result.rows if r.significant]
    if shown:
        # Off a terminal (a CI log, a file) nothing limits the width: keep lines whole.
        (out if out.is_terminal else Console(width=200)).print(comparison_table(shown))
    out.print(f"\n[bold]{summary_line(result.rows)}[/bold] (b against a; intervals and "
              "verdicts from one Holm-adjusted test)"
              + ("" if show_all or len(shown) == len(result.rows)
                 else "; --all lists every metric"),
              highlight=False)
    if html is not None:
        out.print(f"[dim]wrote {safe(html)}[/dim]", highlight=False)


@cli.command(short_help="Run a scenario over a grid of parameter values.")
@handle_errors
def sweep(
    scenario: ScenarioArg,
    params: Annotated[list[str], typer.Option(
        "--param", "-p", help="PATH=LOW..HIGH (cut into --steps values) or PATH=A,B,C; "
        "repeat for a grid, e.g. --param strategies.swr.0.cache.fresh_for=1s..60s",
        show_default=False)],
    steps: Annotated[int, typer.Option(min=1, help="values per LOW..HIGH range")] = 8,
    log: Annotated[bool, flag("--log", help="space range values geometrically")
                   ] = False,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", "-o",
        help="output folder [default: ./asyncsim-out/<scenario-name>-sweep]")] = None,
    sets: SetOpt = None,
    replications: Annotated[int | None, typer.Option(
        min=1, help="replications per strategy and point")] = None,
    strategies: Annotated[str | None, typer.Option(
        "--strategies", help="run only these strategies: --strategies a,b")] = None,
    jobs: JobsOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    quiet: QuietOpt = False,
    plotly_js: PlotlyJsOpt = "inline",
) -> None:
    """Run a scenario over a grid of parameter values: a table of every metric by point
    (sweep.csv, and sweep.parquet with pyarrow) and a report with tradeoff curves and
    the Pareto front (sweep.html)."""
    _check_executor(executor, scheduler)
    from asyncsim.commands.workers import prepare_workers

    prepare_workers(jobs, executor)  # first: the workers import while this process does
    from asyncsim.commands.common import load, overrides
    from asyncsim.commands.sweep import run_sweep, strategy_names, sweep_out_dir
    from asyncsim.reports.render.progress import RunProgress

    changes = overrides(sets, replications=replications)
    first = load(scenario, changes).scenario  # invalid: say so before any point
    target = out_dir or sweep_out_dir(first)
    with RunProgress(err, disable=quiet or not err.is_terminal) as bar:
        result = run_sweep(scenario, params, target, steps=steps, log=log, overrides=changes,
                           strategies=strategy_names(strategies), jobs=jobs,
                           executor=executor, scheduler=scheduler,
                           plotly_js=plotly_js, progress=bar.runs_done,
                           on_progress_start=bar.start)
    from asyncsim.reports.sweep.terminal import sweep_results

    points, swept = len(result.points), result.table["strategy"].nunique()
    out.print(f"[bold]█ SWEEP[/bold] {points} point{'s' * (points != 1)} x {swept} "
              f"strateg{'ies' if swept != 1 else 'y'} in {result.wall_s:.1f}s",
              highlight=False)
    out.print(sweep_results(result.table, result.params, result.summary, out.width))
    for path in result.written:
        out.print(f"[dim]wrote {safe(path)}[/dim]", highlight=False)


@cli.command(short_help="Find where a scenario tips over, or map it over two parameters.")
@handle_errors
def explore(
    scenario: ScenarioArg,
    vary: Annotated[list[str], typer.Option(
        "--vary", "-p", help="PATH=LOW..HIGH, as --set takes the path: once for the tipping "
        "point (bisection), twice for a map, e.g. --vary backends.api.faults.0.for=2s..30s",
        show_default=False)],
    outcome: Annotated[str, typer.Option(
        help="what tips: a yes/no metric (metastable, recovered) or a threshold that fails, "
        "e.g. 'recovery_time: max < 30s'")] = "metastable",
    replications: Annotated[int, typer.Option(
        min=1, help="replications per point (more at a point the Wilson interval cannot "
        "place, up to --max-replications)")] = 10,
    max_replications: Annotated[int | None, typer.Option(
        "--max-replications", min=1,
        help="replications per point at most [default: 4 x --replications]")] = None,
    tolerance: Annotated[str | None, typer.Option(
        help="stop when the bracket is this narrow, in the parameter's unit (2s, 5/s, 1) "
        "[default: 1/16 of the range]")] = None,
    steps: Annotated[int, typer.Option(min=2, help="values per range of a map")] = 5,
    log: Annotated[bool, flag("--log", help="halve ranges geometrically (and space a map's "
                                            "values so)")] = False,
    strategies: Annotated[str | None, typer.Option(
        "--strategies", help="explore only these strategies: --strategies a,b")] = None,
    max_runs: Annotated[int, typer.Option(
        "--max-runs", min=1, help="the budget: runs at most (checked before running)")] = 400,
    max_requests: MaxRequestsOpt = MAX_REQUESTS,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", "-o",
        help="output folder [default: ./asyncsim-out/<scenario-name>-explore]")] = None,
    sets: SetOpt = None,
    jobs: JobsOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    quiet: QuietOpt = False,
    plotly_js: PlotlyJsOpt = "inline",
) -> None:
    """Find where a scenario tips over: the value of a parameter where P(outcome) crosses
    50% (bisection over replications, Wilson intervals), or a map of P(outcome) over two
    parameters (explore.json and explore.html)."""
    _check_executor(executor, scheduler)
    from asyncsim.commands.common import overrides
    from asyncsim.commands.explore import Budget, Settings, run_explore
    from asyncsim.commands.sweep import strategy_names
    from asyncsim.reports.render.progress import RunProgress

    settings = Settings(vary, outcome, replications, max_replications, tolerance, steps, log,
                        strategy_names(strategies), Budget(max_runs, max_requests))
    with RunProgress(err, disable=quiet or not err.is_terminal) as bar:
        def start(runs: int, notes: list[str]) -> None:
            _warn(notes)
            bar.start(runs)
        result = run_explore(scenario, settings, out_dir, overrides(sets), jobs=jobs,
                             executor=executor, scheduler=scheduler, plotly_js=plotly_js,
                             progress=bar.runs_done, on_start=start)
    document = result.document
    out.print(f"[bold]█ EXPLORE[/bold] {document['mode']} · P({safe(document['outcome_label'])})"
              f" · {document['spent']['runs']} runs in {result.wall_s:.1f}s", highlight=False)
    for name, found in document["results"].items():
        if document["mode"] == "bisection":
            line = found["verdict"]
        else:
            shares = [c["p"] for c in found["cells"]]
            line = f"P from {min(shares):.0%} to {max(shares):.0%} over the map"
        out.print(f"  [cyan]{safe(name)}[/cyan] {safe(line)}", highlight=False)
    for path in result.written:
        out.print(f"[dim]wrote {safe(path)}[/dim]", highlight=False)


@cli.command(short_help="Judge a summary.json against thresholds and a baseline.")
@handle_errors
def check(
    current: Annotated[Path, typer.Argument(help="the summary.json to judge",
                                            show_default=False)],
    baseline: BaselineOpt = None,
    compare_fail: CompareFailOpt = None,
    threshold: ThresholdOpt = None,
    junit: JunitOpt = None,
    markdown: MarkdownOpt = None,
) -> None:
    """Judge a summary.json against thresholds and a baseline, without running.

    Exit 99 when a threshold fails or a --compare-fail rule finds a regression.
    """
    _check_baseline_options(baseline, compare_fail)
    if baseline is None and not threshold:
        raise _usage_error("nothing to check: give --baseline with --compare-fail, "
                           "or --threshold")
    from asyncsim.commands.check import check_summary
    from asyncsim.reports.gates.terminal import gates_block

    summary, verdict = check_summary(current, baseline, compare_fail or [], threshold or [])
    out.print(gates_block(verdict))
    _finish_gates(verdict, summary, junit, markdown)


@cli.command(short_help="Check a scenario and list every problem at once.")
@handle_errors
def validate(scenario: ScenarioArg, sets: SetOpt = None,
             max_requests: MaxRequestsOpt = MAX_REQUESTS, max_memory: MaxMemoryOpt = None,
             ) -> None:
    """Check a scenario and list every problem at once (exit 104 when invalid)."""
    from asyncsim.commands.common import overrides, trace_warnings
    from asyncsim.commands.validate import validate_scenario

    checked = validate_scenario(scenario, overrides(sets), max_requests=max_requests,
                                max_memory_bytes=memory_limit(max_memory))
    _warn(trace_warnings(checked.scenario))
    out.print(f"[green]✓[/green] {safe(checked.line)}", highlight=False)


def _warn(lines: list[str]) -> None:
    for line in lines:
        err.print(f"[yellow]! {safe(line)}[/yellow]", highlight=False, soft_wrap=True)


@cli.command(short_help="Print the JSON Schema of scenario files.")
@handle_errors
def schema(
    output: Annotated[Path | None, typer.Option("--out", "-o",
                                                help="write to a file instead of stdout")] = None,
) -> None:
    """Print the JSON Schema of scenario files (for editors: yaml-language-server)."""
    from asyncsim.commands.schema import schema_text
    from asyncsim.reports.files.output_set import write_output

    if output is None:
        sys.stdout.write(schema_text())
    else:
        write_output(output, schema_text())


@cli.command(short_help="List the metric vocabulary.")
@handle_errors
def metrics(
    markdown: Annotated[bool, flag("--markdown", help="a Markdown table")] = False,
) -> None:
    """List the metric vocabulary: name, kind, unit, which direction is better, meaning."""
    from asyncsim.commands.metrics import metric_lines
    from asyncsim.reports.metrics.registry import metrics_markdown

    if markdown:
        sys.stdout.write(metrics_markdown())
        return
    for m in metric_lines():
        out.print(f"[cyan]{m.name}[/cyan] [dim]{m.facts}[/dim]\n    {m.meaning}",
                  highlight=False)


@cli.command()
@handle_errors
def examples() -> None:
    """List the bundled example scenarios."""
    from asyncsim.commands.examples import example_list

    for name, first in example_list():
        out.print(f"[cyan]{name:<20}[/cyan] {first}", highlight=False, soft_wrap=True)


@cli.command()
@handle_errors
def init(
    name: Annotated[str, typer.Argument(help="a bundled example (see: asyncsim examples)")],
    directory: Annotated[Path, typer.Argument(help="where to write it")] = Path("."),
) -> None:
    """Copy a bundled example into a folder to start from."""
    from asyncsim.commands.init import ExampleError, init_example

    try:
        target = init_example(name, directory)
    except ExampleError as error:
        err.print(f"[red]✗ {safe(error)}[/red]")
        raise typer.Exit(ExitCode.USAGE) from None
    out.print(f"wrote {safe(target)}", highlight=False)


def main() -> None:
    """The ``asyncsim`` script. Its objects are frozen out of the garbage collector on the
    way out: the interpreter's exit would otherwise walk everything a command built (the
    runs, the models, plotly's figures) looking for cycles, about 0.2 s after a run,
    only for the process to end."""
    try:
        cli()
    finally:
        gc.freeze()
