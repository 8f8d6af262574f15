"""What a run or a check must hold (thresholds, baseline rules) and what it got.

One :class:`Verdict` feeds every CI output: the terminal block, summary.json, JUnit XML
and Markdown, so they can never disagree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from asyncsim.lang.thresholds import Threshold, extra_percentile
from asyncsim.reports.baseline import BaselineVerdict, CompareGate, Comparison, compare
from asyncsim.reports.terminal import format_value
from asyncsim.reports.thresholds import (
    Stop,
    ThresholdResult,
    ThresholdsVerdict,
    evaluate,
    extra_percentiles,
)


@dataclass(frozen=True)
class Gates:
    thresholds: tuple[Threshold, ...] = ()
    compare_fail: tuple[CompareGate, ...] = ()
    baseline: Mapping[str, Any] | None = None   # the baseline summary.json, read

    @property
    def extra_percentiles(self) -> tuple[float, ...]:
        """Latency percentiles the gates read that a summary lacks by default."""
        wanted = set(extra_percentiles(self.thresholds))
        wanted.update(p for g in self.compare_fail
                      if (p := extra_percentile(g.target.metric, g.stat)) is not None)
        return tuple(sorted(wanted))


@dataclass(frozen=True)
class Verdict:
    thresholds: ThresholdsVerdict | None = None
    baseline: BaselineVerdict | None = None

    @property
    def ok(self) -> bool:
        return all(part.ok for part in (self.thresholds, self.baseline) if part is not None)

    @property
    def counts(self) -> tuple[int, int]:
        """(gates checked, gates failed); skipped comparisons are not counted as checked."""
        results = list(self.thresholds.results) if self.thresholds else []
        comparisons = [c for c in self.baseline.comparisons
                       if not c.skipped] if self.baseline else []
        failed = sum(not r.ok for r in results) + sum(c.regressed for c in comparisons)
        return len(results) + len(comparisons), failed

    def sections(self) -> dict[str, Any]:
        """The summary.json sections: ``thresholds`` and ``baseline``, when asked for."""
        out: dict[str, Any] = {}
        if self.thresholds is not None:
            out["thresholds"] = self.thresholds.to_json()
        if self.baseline is not None:
            out["baseline"] = self.baseline.to_json()
        return out


def judge(gates: Gates, summary: Mapping[str, Any], stops: Sequence[Stop] = ()) -> Verdict:
    thresholds = None
    if gates.thresholds or stops:
        thresholds = ThresholdsVerdict(tuple(evaluate(gates.thresholds, summary, stops)),
                                       tuple(stops))
    baseline = None
    if gates.baseline is not None:
        baseline = BaselineVerdict(tuple(compare(gates.compare_fail, summary, gates.baseline)),
                                   gates.baseline.get("scenario"))
    return Verdict(thresholds, baseline)


# ----------------------------------------------------------------------------- wording
# Shared by the terminal, JUnit and Markdown writers.


def show(value: float | None, unit: str) -> str:
    if value is None or math.isnan(value):
        return "-"
    if unit == "1/s":
        return f"{value:,.4g}/s"
    return format_value(value, unit)


def observed_text(result: ThresholdResult) -> str:
    """``p(99)=148.21ms`` as k6 prints it."""
    t = result.threshold
    return f"{t.expression.aggregation}={show(result.observed, t.unit)}"


def change_text(c: Comparison) -> str:
    """``300.00ms → 330.00ms (+10.0%)``."""
    unit = c.gate.target.definition.unit
    relative = c.relative_change
    shown = f" ({relative * 100:+.1f}%)" if relative is not None else ""
    return f"{show(c.baseline, unit)} → {show(c.current, unit)}{shown}"


def significance_text(c: Comparison) -> str:
    if c.skipped:
        return c.note
    parts = [c.test]
    if c.ci95 is not None and c.ci95[0] != c.ci95[1]:
        unit = c.gate.target.definition.unit
        parts.append(f"95% CI of change {_signed(c.ci95[0], unit)} … {_signed(c.ci95[1], unit)}")
    if c.note:
        parts.append(c.note)
    return "; ".join(parts)


def _signed(value: float, unit: str) -> str:
    text = show(abs(value), unit)
    return ("-" if value < 0 else "+") + text
