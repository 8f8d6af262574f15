"""Evaluating thresholds (parsed by :mod:`asyncsim.lang.thresholds`) against a summary.

Evaluation reads summary.json values: the observed value is the mean over replications of
the per-run statistic. A threshold without a ``strategy`` tag applies to each strategy
separately. This module is pure: no I/O, no printing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from asyncsim.lang.thresholds import Threshold, extra_percentile


def extra_percentiles(thresholds: Iterable[Threshold]) -> tuple[float, ...]:
    """The latency percentiles the thresholds read that a summary lacks by default."""
    wanted = {extra_percentile(t.target.metric, t.expression.aggregation) for t in thresholds}
    return tuple(sorted(p for p in wanted if p is not None))


@dataclass(frozen=True)
class Stop:
    """A run (strategy, replication) that an ``abort_on_fail`` threshold stopped early."""

    strategy: str
    replication: int
    sim_time_s: float
    threshold: str


@dataclass(frozen=True)
class ThresholdResult:
    threshold: Threshold
    strategy: str
    observed: float | None
    ok: bool
    stops: tuple[Stop, ...] = ()
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        t = self.threshold
        return {"threshold": t.text, "metric": t.target.metric, "strategy": self.strategy,
                "key": t.key, "aggregation": t.expression.aggregation,
                "operator": t.expression.operator, "limit": t.expression.limit,
                "unit": t.unit, "observed": self.observed, "ok": self.ok,
                "abort_on_fail": t.abort_on_fail,
                "stopped": [{"replication": s.replication, "sim_time_s": s.sim_time_s}
                            for s in self.stops],
                "note": self.note}


def evaluate(thresholds: Sequence[Threshold], summary: Mapping[str, Any],
             stops: Sequence[Stop] = ()) -> list[ThresholdResult]:
    """Each threshold on each strategy it applies to (strategies in name order).

    A threshold that stopped a run fails whatever the final value: k6 does the same, and
    the final value mixes stopped and complete replications.
    """
    strategies: Mapping[str, Any] = summary["strategies"]
    scenario = summary["scenario"]
    full_window_s = float(scenario["duration_s"]) - float(scenario["warmup_s"])
    results = []
    for threshold in thresholds:
        for strategy in sorted(strategies):
            if not threshold.applies_to(strategy):
                continue
            mine = tuple(s for s in stops if s.strategy == strategy
                         and s.threshold == threshold.text)
            windows = {s.replication: s.sim_time_s - float(scenario["warmup_s"])
                       for s in stops if s.strategy == strategy}
            observed = _observed(threshold, strategies[strategy], full_window_s, windows)
            note = "" if observed is not None else f"no value for {threshold.key}"
            if mine:
                note = (f"stopped {len(mine)} of {scenario['replications']} replication(s) "
                        f"early, at {', '.join(f'{s.sim_time_s:g}s' for s in mine)} of "
                        f"{float(scenario['duration_s']):g}s simulated")
            ok = threshold.passes(observed) and not mine
            results.append(ThresholdResult(threshold, strategy, observed, ok, mine, note))
    return results


def _observed(threshold: Threshold, strategy: Mapping[str, Any], full_window_s: float,
              windows: Mapping[int, float]) -> float | None:
    key = threshold.key
    if not threshold.per_second:
        entry = strategy["values"].get(key)
        value = None if entry is None else entry["mean"]
        return None if value is None or math.isnan(value) else float(value)
    counts = strategy["replications"].get(key)
    if not counts:
        return None
    rates = [c / windows.get(rep, full_window_s) for rep, c in enumerate(counts)
             if c is not None and not math.isnan(c)]
    return math.fsum(rates) / len(rates) if rates else None


def observed_in_run(threshold: Threshold, values: Mapping[str, float],
                    window_s: float) -> float | None:
    """The value of a threshold's statistic within one run (for ``abort_on_fail``)."""
    value = values.get(threshold.key)
    if value is None or math.isnan(value):
        return None
    return value / window_s if threshold.per_second else value


@dataclass(frozen=True)
class ThresholdsVerdict:
    """All threshold results of a run, in declaration order, and the runs they stopped."""

    results: tuple[ThresholdResult, ...] = ()
    stops: tuple[Stop, ...] = ()

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "checks": [r.to_json() for r in self.results],
                "stopped_early": [{"strategy": s.strategy, "replication": s.replication,
                                   "sim_time_s": s.sim_time_s, "threshold": s.threshold}
                                  for s in self.stops]}
