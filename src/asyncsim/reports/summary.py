"""Per-run reduction (in the worker) and aggregation over replications.

Why reduce in the worker: a run's request log is tens of megabytes; its metrics are a
few hundred floats. Only the floats cross the process boundary, unless raw data is asked.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from asyncsim.reports.catalog import REGISTRY
from asyncsim.reports.metrics import RunView
from asyncsim.reports.stats import mean_ci95
from asyncsim.sim.simulation import RunResult


@dataclass
class RunPerformance:
    """How hard the machine worked: kept out of summary.json, which must be deterministic."""

    requests_simulated: int
    simpy_events: int
    wall_s: float
    cpu_s: float


@dataclass
class RunSummary:
    strategy: str
    replication: int
    values: dict[str, float]
    performance: RunPerformance
    series: dict[str, list[float]] = field(default_factory=dict)
    raw: dict[str, np.ndarray] | None = None


def reduce_run(result: RunResult, extra_percentiles: Sequence[float] = (),
               keep_raw: bool = False) -> RunSummary:
    view = RunView(result)
    values: dict[str, float] = {}
    for metric in REGISTRY.values():
        values.update(metric.compute(view))
    if extra_percentiles:
        latency = view.columns["latency_s"]
        for p in extra_percentiles:
            values[f"latency.p({p:g})"] = (float(np.percentile(latency, p)) if len(latency)
                                           else math.nan)
    performance = RunPerformance(len(result.requests["t_start_s"]), result.events,
                                 result.wall_s, result.cpu_s)
    return RunSummary(result.strategy, result.replication, values, performance,
                      _series(result), result.requests if keep_raw else None)


def _series(result: RunResult) -> dict[str, list[float]]:
    """Small per-bin series for plots: requests, latency percentiles, backend gauges."""
    bins = len(next(iter(result.series_averages.values()), []))
    if bins == 0:
        return {}
    edges = np.arange(bins + 1) * result.series_bin_s
    starts = result.requests["t_start_s"]
    latency = result.requests["latency_s"]
    index = np.clip(np.searchsorted(edges, starts, side="right") - 1, 0, bins - 1)
    series: dict[str, list[float]] = {
        "time_s": (edges[:-1] + result.series_bin_s / 2).tolist(),
        "requests": np.bincount(index, minlength=bins).astype(float).tolist()}
    order = np.argsort(index, kind="stable")
    split = np.split(latency[order], np.cumsum(np.bincount(index, minlength=bins))[:-1])
    for p in (50, 99):
        series[f"latency_p{p}_s"] = [float(np.percentile(part, p)) if len(part) else math.nan
                                     for part in split]
    for name, counts in result.series_counts.items():
        series[name] = counts.astype(float).tolist()
    for name, averages in result.series_averages.items():
        series[name] = averages.tolist()
    return series


@dataclass
class Estimate:
    mean: float
    low: float
    high: float


def aggregate(runs: Iterable[RunSummary]) -> dict[str, dict[str, Estimate]]:
    """strategy -> value key -> mean and 95% CI over replications (sorted, deterministic)."""
    by_strategy: dict[str, list[RunSummary]] = {}
    for run in runs:
        by_strategy.setdefault(run.strategy, []).append(run)
    out: dict[str, dict[str, Estimate]] = {}
    for strategy in sorted(by_strategy):
        reps = sorted(by_strategy[strategy], key=lambda r: r.replication)
        keys = sorted({k for r in reps for k in r.values})
        out[strategy] = {k: Estimate(*mean_ci95([r.values.get(k, math.nan) for r in reps]))
                         for k in keys}
    return out
