"""What a run or a check must hold (thresholds, baseline rules) and what it got.

One :class:`Verdict` feeds every CI output: the terminal block, summary.json, JUnit XML
and Markdown, so they can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from asyncsim.lang.thresholds import Threshold, extra_percentile
from asyncsim.reports.gates.baseline import BaselineVerdict, CompareGate, compare
from asyncsim.reports.gates.thresholds import (
    Stop,
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
