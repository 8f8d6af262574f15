"""Per-run reduction (in the worker) and aggregation over replications.

Why reduce in the worker: a run's request log is tens of megabytes; its metrics are a
few hundred floats. Only the floats cross the process boundary, unless raw data is asked.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.distributions import run_distributions
from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.reports.metrics.live import staleness_series
from asyncsim.reports.metrics.pages import TypicalView, typical_view
from asyncsim.reports.metrics.pagination import pagination_counts
from asyncsim.reports.metrics.prefetch import prefetch_counts
from asyncsim.reports.metrics.registry import RecoverySettings, RunView
from asyncsim.reports.metrics.retry import goodput_series
from asyncsim.reports.stats import mean_ci95, wilson_ci95
from asyncsim.sim.outcome import Status
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
    stopped_at_s: float | None = None   # simulated time an early stop ended the run at
    stop_reason: str | None = None
    distributions: dict[str, list[float]] = field(default_factory=dict)
    """Fixed-bin histograms of the measured requests (see reports/distributions.py), and
    the pattern sections' counts (prefetch and pagination), added over replications."""
    typical_view: TypicalView | None = None
    """The median page view, for the waterfall (page-view workloads only)."""


def reduce_run(result: RunResult, extra_percentiles: Sequence[float] = (),
               keep_raw: bool = False, recovery: RecoverySettings | None = None) -> RunSummary:
    view = RunView(result, recovery)
    values = metric_values(view, extra_percentiles)
    performance = RunPerformance(len(result.requests["t_start_s"]), result.events,
                                 result.wall_s, result.cpu_s)
    columns = view.columns
    distributions = run_distributions(columns["latency_s"], columns["stale_s"],
                                      columns["attempts"], columns["status"], columns["source"])
    distributions.update(prefetch_counts(view))
    distributions.update(pagination_counts(view))
    return RunSummary(result.strategy, result.replication, values, performance,
                      _series(view), result.requests if keep_raw else None,
                      result.stopped_at_s, result.stop_reason, distributions,
                      typical_view(view))


def metric_values(view: RunView, extra_percentiles: Sequence[float] = (),
                  names: Iterable[str] | None = None) -> dict[str, float]:
    """The values of the metrics ``names`` (default: all), plus any extra latency p(N).

    Why ``names``: a check during a run (``abort_on_fail``) needs one metric, not all.
    """
    values: dict[str, float] = {}
    for name in REGISTRY if names is None else names:
        values.update(REGISTRY[name].compute(view))
    if extra_percentiles:
        latency = view.columns["latency_s"]
        for p in extra_percentiles:
            key = str(ValueKey("latency", stat=f"p({p:g})"))
            values[key] = float(np.percentile(latency, p)) if len(latency) else math.nan
    return values


def _series(view: RunView) -> dict[str, list[float]]:
    """Small per-bin series for plots: requests, successes, latency percentiles, backend
    gauges, live views' stale visible time.

    Bins cover the whole run, warm-up included (a report shades it); a request counts in
    the bin it started in.
    """
    result = view.result
    bins = len(next(iter(result.series_averages.values()), []))
    if bins == 0:
        return {}
    starts = result.requests["t_start_s"]
    latency = result.requests["latency_s"]
    index = np.minimum((starts / result.series_bin_s).astype(np.int32), bins - 1)
    series: dict[str, list[float]] = {
        "time_s": ((np.arange(bins) + 0.5) * result.series_bin_s).tolist(),
        "requests": np.bincount(index, minlength=bins).astype(float).tolist()}
    ok = result.requests["status"] == int(Status.OK)
    series["ok"] = np.bincount(index[ok], minlength=bins).astype(float).tolist()
    percentiles: list[list[float]] = [[], [], []]
    for bin_index in range(bins):  # a mask per bin: slower than a sort, but no 2x memory
        part = latency[index == bin_index]
        values = np.percentile(part, (50, 90, 99)) if len(part) else (math.nan,) * 3
        for column, value in zip(percentiles, values, strict=True):
            column.append(float(value))
    series["latency_p50_s"], series["latency_p90_s"], series["latency_p99_s"] = percentiles
    series["goodput"] = goodput_series(result, bins)
    for name, counts in result.series_counts.items():
        series[name] = counts.astype(float).tolist()
    for name, averages in result.series_averages.items():
        series[name] = averages.tolist()
    series.update(staleness_series(view, bins))
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
        out[strategy] = {k: Estimate(*_interval(k)([r.values.get(k, math.nan) for r in reps]))
                         for k in keys}
    return out


def _interval(key: str) -> Callable[[Sequence[float]], tuple[float, float, float]]:
    """The interval the key's metric asks for (a Wilson interval for yes/no per run)."""
    metric = REGISTRY.get(ValueKey.parse(key).name)
    return wilson_ci95 if metric is not None and metric.interval == "wilson" else mean_ci95
