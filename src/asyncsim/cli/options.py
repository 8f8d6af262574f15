"""The options several commands share, as typer annotations.

Light on purpose: ``--help`` reads these, so nothing here loads a scenario model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from asyncsim.scenarios.checks.limits import MAX_MEMORY_BYTES


def flag(*decls: str, **options: Any) -> Any:
    """A boolean option shown as a flag in --help (typer would print '<bool>' after it)."""
    return typer.Option(*decls, metavar="", **options)


ScenarioArg = Annotated[Path, typer.Argument(help="scenario YAML file", show_default=False)]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", "-s", metavar="<path=value>",
    help="override a field: --set workload.users=50 (repeatable)")]
ThresholdOpt = Annotated[list[str] | None, typer.Option(
    "--threshold", metavar="<threshold>",
    help="k6 threshold, e.g. 'latency{strategy:swr}: p(99) < 300ms' "
    "(repeatable; adds to the scenario's)")]
BaselineOpt = Annotated[Path | None, typer.Option(
    help="a summary.json to compare with (needs --compare-fail)")]
CompareFailOpt = Annotated[list[str] | None, typer.Option(
    "--compare-fail", metavar="<stat:change>",
    help="regression rule STAT:N% or STAT:N, e.g. p99:5% or "
    "hit_rate:-0.02 (repeatable)")]
JunitOpt = Annotated[Path | None, typer.Option(
    help="write the gates as JUnit XML (one test case per gate and strategy)")]
MarkdownOpt = Annotated[Path | None, typer.Option(
    help="write a Markdown summary (for a GitHub step summary or a merge-request comment)")]
PlotlyJsOpt = Annotated[Literal["inline", "cdn"], typer.Option(
    "--plotly-js", help="inline: plotly.js inside the HTML (opens offline, ~5 MB); "
    "cdn: loaded from cdn.plot.ly (small file, needs a network)")]

JobsOpt = Annotated[int | None, typer.Option(
    "--jobs", "-j", min=1, help="worker processes [default: all cores]")]
QuietOpt = Annotated[bool, flag("--quiet", "-q", help="no progress bar")]
ExecutorOpt = Annotated[Literal["local", "dask"], typer.Option(
    help="local processes, or a Dask cluster (pip install 'asyncsim[dask]')")]
SchedulerOpt = Annotated[str | None, typer.Option(
    help="the Dask scheduler of an existing cluster, e.g. tcp://10.0.0.5:8786 (with "
    "--executor dask) [default: a cluster on this machine]")]

MaxRequestsOpt = Annotated[float, typer.Option(
    "--max-requests", min=1, help="refuse runs expected to simulate more requests than "
    "this, over all strategies and replications")]
MaxMemoryOpt = Annotated[str | None, typer.Option(
    "--max-memory", help="refuse runs expected to hold more memory per process, e.g. 8GB "
    "[default: 4GB]")]


def memory_limit(text: str | None) -> float:
    from asyncsim.commands.common import parse_size_bytes

    return MAX_MEMORY_BYTES if text is None else parse_size_bytes(text)
