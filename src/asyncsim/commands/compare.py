"""``asyncsim compare``: two runs, or two strategies of one run, metric by metric."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asyncsim.commands.common import UsageError
from asyncsim.reports.compare.differences import (
    MetricComparison,
    compare_strategies,
    compare_summaries,
)
from asyncsim.reports.files.output_set import write_output
from asyncsim.reports.files.summary_json import read_summary

if TYPE_CHECKING:  # plotting loads only when a page is asked for
    from asyncsim.reports.render.page import PlotlyJs


@dataclass
class CompareOutput:
    rows: list[MetricComparison]
    a_label: str
    b_label: str
    title: str
    notes: list[str] = field(default_factory=list)
    """What the reader must know about what was compared (strategies on one side only)."""


def strategy_notes(a: Path, b: Path, first: Mapping[str, Any],
                   second: Mapping[str, Any]) -> list[str]:
    """Strategies only one side has; a UsageError when the sides share none (comparing
    nothing silently reads as 'no change')."""
    names_a, names_b = list(first.get("strategies", {})), list(second.get("strategies", {}))
    common = set(names_a) & set(names_b)
    if not common:
        raise UsageError(
            f"no strategy name in common: {a} has {', '.join(names_a) or 'none'}; {b} has "
            f"{', '.join(names_b) or 'none'}. compare matches strategies by name: rename one "
            "side, or compare two strategies of one run with --strategies A,B")
    notes = []
    for path, names in ((a, names_a), (b, names_b)):
        only = [n for n in names if n not in common]
        if only:
            notes.append(f"only in {path} (not compared): {', '.join(only)}")
    return notes


def strategy_pair(strategies: str | None, b: Path | None) -> tuple[str, str] | None:
    """``--strategies A,B`` as a pair (None without it); a UsageError for what cannot be
    compared: not two names, two names and a second file, or no second anything."""
    if strategies is not None:
        names = [n.strip() for n in strategies.split(",")]
        if len(names) != 2 or not all(names):
            raise UsageError(f"--strategies {strategies!r}: expected two names, A,B")
        if b is not None:
            raise UsageError("give one summary with --strategies, or two summaries")
        return names[0], names[1]
    if b is None:
        raise UsageError("compare needs two summary.json files, or one and --strategies A,B")
    return None


def compare_runs(a: Path, b: Path | None = None, strategies: tuple[str, str] | None = None,
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
        notes = strategy_notes(a, b, first, second)
        rows = compare_summaries(first, second)
        names = {str(s.get("scenario", {}).get("name", "")) for s in (first, second)}
        out = CompareOutput(rows, str(a), str(b), " vs ".join(sorted(names)), notes)
    if html is not None:
        from asyncsim.reports.compare.page import render_compare_html

        write_output(html, render_compare_html(out.rows, out.a_label, out.b_label, out.title,
                                               plotly_js))
    return out
