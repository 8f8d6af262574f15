"""The files a run writes besides summary.json: report.html, raw data, PNG charts.

What is asked is checked before the run (:func:`output_problems`), so a missing optional
package is reported in a second, not after the simulation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asyncsim.reports.files.writers import write_atomic

if TYPE_CHECKING:  # plotting and pandas load when files are written, not to run a simulation
    from asyncsim.reports.files.raw import RawFormat
    from asyncsim.reports.reduction import RunSummary
    from asyncsim.reports.render.page import PlotlyJs
    from asyncsim.reports.render.report_data import ReportMeta


@dataclass(frozen=True)
class OutputOptions:
    html: bool = True
    plotly_js: PlotlyJs = "inline"
    raw: RawFormat | None = None
    png: bool = False
    hlog: bool = False
    """Also write latency.hlog, an HdrHistogram interval log (reports/files/hlog.py)."""


class OutputUnavailable(RuntimeError):
    """An asked output needs something this machine lacks (a usage problem, exit 2)."""


def output_problems(options: OutputOptions) -> list[str]:
    from asyncsim.reports.files.hlog import hlog_problem
    from asyncsim.reports.files.raw import raw_format_problem
    from asyncsim.reports.render.static import png_problem

    problems = []
    if options.hlog and (problem := hlog_problem()):
        problems.append(problem)
    if options.raw is not None and (problem := raw_format_problem(options.raw)):
        problems.append(problem)
    if options.png and (problem := png_problem()):
        problems.append(problem)
    return problems


def check_outputs(options: OutputOptions) -> None:
    problems = output_problems(options)
    if problems:
        raise OutputUnavailable("\n".join(problems))


def write_run_outputs(out_dir: Path, summary: dict[str, Any], runs: Sequence[RunSummary],
                      meta: ReportMeta, options: OutputOptions) -> list[Path]:
    """Write what ``options`` asks into ``out_dir``; returns the paths written."""
    from asyncsim.reports.files.raw import write_raw
    from asyncsim.reports.render.report_data import combine_runs
    from asyncsim.reports.render.run_report import render_run_report, report_figures
    from asyncsim.reports.render.static import export_png

    written: list[Path] = []
    data = combine_runs(runs)
    if options.html:
        path = out_dir / "report.html"
        write_atomic(path, render_run_report(summary, data, meta, options.plotly_js))
        written.append(path)
    if options.raw is not None:
        warmup_s = float(summary["scenario"].get("warmup_s") or 0.0)
        written += write_raw(out_dir / "raw", runs, warmup_s, options.raw)
    if options.hlog:
        from asyncsim.reports.files.hlog import write_hlog

        written.append(write_hlog(out_dir / "latency.hlog", runs))
    if options.png:
        written += export_png(report_figures(summary, data, meta), out_dir / "png")
    return written
