"""A Markdown summary for a GitHub step summary or a merge-request comment.

The verdict first (one line), then a table per kind of gate, then every metric per
strategy folded in a ``<details>`` block so the comment stays short.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asyncsim.reports.gates.verdict import Verdict
from asyncsim.reports.gates.wording import change_text, show, significance_text
from asyncsim.reports.render.values import estimate_text, row_order, unit_of


def _escape(text: str) -> str:
    """A table cell: pipes would split it, newlines would end the row."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{_escape(text)}`" if "`" not in text else _escape(text)


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def markdown_summary(verdict: Verdict, summary: Mapping[str, Any]) -> str:
    scenario = summary["scenario"]
    checked, failed = verdict.counts
    if not checked:
        headline = "no gates"
    elif failed:
        headline = f"❌ {failed} of {checked} gates failed"
    else:
        headline = f"✅ all {checked} gates passed"
    lines = [f"### asyncsim · {_escape(scenario['name'])}: {headline}", ""]
    if verdict.thresholds is not None and verdict.thresholds.results:
        lines += [_row("", "Threshold", "Strategy", "Observed", "Allowed"),
                  _row(":-:", "---", "---", "--:", "---")]
        for r in verdict.thresholds.results:
            t = r.threshold
            observed = show(r.observed, t.unit) + (f" ({_escape(r.note)})" if r.note else "")
            lines.append(_row(_mark(r.ok), _code(t.text), _escape(r.strategy), observed,
                              _code(t.expression.allowed)))
        lines.append("")
    if verdict.baseline is not None and verdict.baseline.comparisons:
        lines += [_row("", "Baseline gate", "Strategy", "Value", "Baseline → current",
                       "Allowed", "Test"),
                  _row(":-:", "---", "---", "---", "--:", "---", "---")]
        for c in verdict.baseline.comparisons:
            mark = "➖" if c.skipped else _mark(not c.regressed)
            lines.append(_row(mark, _code(c.gate.text), _escape(c.strategy), _code(c.gate.key),
                              _escape(change_text(c)), c.gate.allowed,
                              _escape(significance_text(c))))
        lines.append("")
    lines += _metrics_table(summary)
    return "\n".join(lines) + "\n"


def _metrics_table(summary: Mapping[str, Any]) -> list[str]:
    strategies = summary["strategies"]
    order = list(strategies)
    keys = sorted({k for s in strategies.values() for k in s["values"]}, key=row_order)
    scenario = summary["scenario"]
    lines = [f"<details><summary>All metrics: {scenario['replications']} replication(s), "
             "mean ±95% CI</summary>", "",
             _row("metric", *map(_escape, order)), _row("---", *["--:"] * len(order))]
    for key in keys:
        unit = unit_of(key)
        lines.append(_row(_code(key), *(_escape(estimate_text(strategies[n]["values"], key, unit))
                                        for n in order)))
    return [*lines, "", "</details>"]
