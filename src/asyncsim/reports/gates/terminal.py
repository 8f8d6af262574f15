"""The gates at the top of the terminal summary, as k6 prints them: ✓/✗, expression, value."""

from __future__ import annotations

from itertools import groupby

from rich.console import Group, RenderableType
from rich.text import Text

from asyncsim.reports.gates.thresholds import ThresholdsVerdict
from asyncsim.reports.gates.verdict import Verdict
from asyncsim.reports.gates.wording import change_text, observed_text, significance_text
from asyncsim.reports.render.safe import printable


def _mark(ok: bool) -> Text:
    return Text("✓ ", style="green") if ok else Text("✗ ", style="bold red")


def thresholds_block(verdict: ThresholdsVerdict) -> list[RenderableType]:
    lines: list[RenderableType] = [Text("█ THRESHOLDS", style="bold"), Text("")]
    for target, results in groupby(verdict.results, key=lambda r: r.threshold.target):
        lines.append(Text(f"  {printable(target.text)}", style="cyan"))
        for result in results:
            line = Text("  ") + _mark(result.ok)
            line.append(f"'{result.threshold.expression.text}' ")
            if target.strategy is None:
                line.append(f"{printable(result.strategy)}: ", style="dim")
            line.append(observed_text(result))
            if result.note:
                line.append(f"  ({result.note})", style="yellow" if result.stops else "dim")
            lines.append(line)
        lines.append(Text(""))
    return lines


def gates_block(verdict: Verdict) -> Group:
    """THRESHOLDS then BASELINE, each line one gate on one strategy."""
    lines: list[RenderableType] = []
    if verdict.thresholds is not None:
        lines += thresholds_block(verdict.thresholds)
    if verdict.baseline is not None:
        base = verdict.baseline.baseline_scenario or {}
        name = printable(base.get("name", "?"))
        lines += [Text(f"█ BASELINE  {name} (seed {base.get('seed', '?')}, "
                       f"{base.get('replications', '?')} replication(s))", style="bold"),
                  Text("")]
        for c in verdict.baseline.comparisons:
            line = Text("  ") + (Text("- ", style="dim") if c.skipped else _mark(not c.regressed))
            line.append(f"'{c.gate.text}' ")
            line.append(f"{printable(c.strategy)}: ", style="dim")
            line.append(f"{change_text(c)}, allowed {c.gate.allowed}")
            if c.regressed or c.note:
                line.append(f"  ({significance_text(c)})", style="dim")
            lines.append(line)
        lines.append(Text(""))
    checked, failed = verdict.counts
    if checked:
        lines += [Text(f"{checked - failed} of {checked} gate(s) passed"
                       + (f", {failed} failed: exit 99" if failed else ""),
                       style="bold red" if failed else "bold green"), Text("")]
    return Group(*lines)
