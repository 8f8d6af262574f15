"""What a report needs besides summary.json: scenario facts, series and histograms.

summary.json holds the numbers; a report also draws time series (averaged over
replications bin by bin), distributions (histograms added over replications), fault
windows and which layers each strategy has. This module gathers them into plain data,
so the charts and the page never touch a scenario model or a run object.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from asyncsim.reports.distributions import merge
from asyncsim.reports.metrics.pages import TypicalView
from asyncsim.reports.reduction import RunSummary
from asyncsim.sim.measure.histogram import Histogram, merged


@dataclass(frozen=True)
class FaultWindow:
    backend: str
    kind: str
    start_s: float
    end_s: float
    detail: str = ""
    """A short text shown on charts, e.g. 'x4' for a slowdown factor."""


@dataclass(frozen=True)
class Check:
    """One pass/fail line of the verdict box (thresholds, when a scenario has any)."""

    label: str
    passed: bool
    detail: str = ""


@dataclass(frozen=True)
class ReportMeta:
    """Facts about the run that summary.json does not carry."""

    strategies: Mapping[str, tuple[str, ...]]
    """Strategy name -> layer kinds, outermost first, in the scenario's order."""
    backends: Mapping[str, int] = field(default_factory=dict)
    """Backend name -> workers."""
    replicas: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """Strategy -> backend name -> replicas (the scenario's, or the strategy's ``system``)."""
    faults: tuple[FaultWindow, ...] = ()
    generated_at: str = ""
    checks: tuple[Check, ...] = ()
    recovery_tolerance: float = 0.2
    """The scenario's ``recovery.tolerance``: the width of the recovery panel's band."""

    @property
    def order(self) -> list[str]:
        return list(self.strategies)

    def has_layer(self, *kinds: str) -> bool:
        return any(kind in layers for layers in self.strategies.values() for kind in kinds)


@dataclass
class StrategyData:
    """One strategy's plot data: per-bin means over replications and summed histograms."""

    series: dict[str, np.ndarray]
    distributions: dict[str, np.ndarray]
    typical_view: TypicalView | None = None
    """The replications' median page view (see :func:`median_view`)."""
    latency: Histogram | None = None
    """The measured latencies, replications merged (the percentile spectrum)."""


def combine_runs(runs: Sequence[RunSummary]) -> dict[str, StrategyData]:
    """strategy -> its replications' series averaged per bin and histograms added."""
    by_strategy: dict[str, list[RunSummary]] = {}
    for run in runs:
        by_strategy.setdefault(run.strategy, []).append(run)
    out: dict[str, StrategyData] = {}
    for name in sorted(by_strategy):
        reps = sorted(by_strategy[name], key=lambda r: r.replication)
        out[name] = StrategyData(_mean_series(reps), {
            key: np.asarray(merge([r.distributions[key] for r in reps if key in r.distributions]))
            for key in sorted({k for r in reps for k in r.distributions})},
            median_view([r.typical_view for r in reps]),
            merged([r.latency for r in reps if r.latency is not None]))
    return out


def median_view(views: Sequence[TypicalView | None]) -> TypicalView | None:
    """Of the replications' typical views (in replication order), the one whose ttac is
    the lower median, the earliest replication on a tie: one view that happened."""
    present = [v for v in views if v is not None]
    if not present:
        return None
    median = sorted(v.ttac_s for v in present)[(len(present) - 1) // 2]
    return next(v for v in present if v.ttac_s == median)


def _mean_series(reps: Sequence[RunSummary]) -> dict[str, np.ndarray]:
    series: dict[str, np.ndarray] = {}
    for key in sorted({k for r in reps for k in r.series}):
        rows = [r.series[key] for r in reps if key in r.series]
        if len({len(row) for row in rows}) != 1:
            continue
        with warnings.catch_warnings():  # a bin empty in every replication stays NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            series[key] = np.nanmean(np.asarray(rows, dtype=float), axis=0)
    return series


def fault_windows(backends: Mapping[str, Any]) -> tuple[FaultWindow, ...]:
    """Fault windows from validated backend configs (objects with a ``faults`` list)."""
    windows = []
    for name, config in backends.items():
        for fault in config.faults:
            detail = {"slowdown": f"x{fault.factor:g}",
                      "error_burst": f"{fault.error_rate:.0%} errors",
                      "capacity_drop": f"{fault.workers} workers"}.get(fault.kind, "")
            windows.append(FaultWindow(name, fault.kind, fault.at, fault.at + fault.for_, detail))
    return tuple(sorted(windows, key=lambda w: (w.start_s, w.backend, w.kind)))


def finite(value: Any) -> float:
    """A summary value as a float; JSON null (a NaN written out) becomes NaN."""
    return float(value) if isinstance(value, int | float) else math.nan
