"""Per-run reduction (in the worker) and aggregation over replications.

Why reduce in the worker: a run's summaries (sim/measure) are megabytes; its metrics are
a few hundred floats. Only the floats cross the process boundary, with the measured
latency histogram (for pooled percentiles and the percentile spectrum) and, on request,
one histogram per series bin (for the ``.hlog`` export). Raw rows never cross: ``--raw``
spools them to disk in the worker and only the spool's place comes back.
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
from asyncsim.sim.measure.histogram import Histogram
from asyncsim.sim.measure.recorder import RawSpool
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
    raw: RawSpool | None = None
    """Where the run's request rows were spooled (``--raw``)."""
    stopped_at_s: float | None = None   # simulated time an early stop ended the run at
    stop_reason: str | None = None
    distributions: dict[str, list[float]] = field(default_factory=dict)
    """Fixed-bin histograms of the measured requests (see reports/distributions.py), and
    the pattern sections' counts (prefetch and pagination), added over replications."""
    typical_view: TypicalView | None = None
    """The median page view, for the waterfall (page-view workloads only)."""
    latency: Histogram | None = None
    """The measured requests' latency histogram: replications merge it (pooled
    percentiles, the percentile spectrum chart)."""
    intervals: list[Histogram] | None = None
    """The latency histogram of each series bin, when an ``.hlog`` export is asked."""


def reduce_run(result: RunResult, extra_percentiles: Sequence[float] = (),
               keep_raw: bool = False, recovery: RecoverySettings | None = None,
               keep_intervals: bool = False) -> RunSummary:
    view = RunView(result, recovery)
    values = metric_values(view, extra_percentiles)
    performance = RunPerformance(int(view.summaries.counts.sum()), result.events,
                                 result.wall_s, result.cpu_s)
    distributions = run_distributions(view)
    distributions.update(prefetch_counts(view))
    distributions.update(pagination_counts(view))
    series_bins = _series_bins(view)
    return RunSummary(result.strategy, result.replication, values, performance,
                      _series(view, series_bins), result.spool if keep_raw else None,
                      result.stopped_at_s, result.stop_reason, distributions,
                      typical_view(view), view.latency().histogram,
                      [view.summaries.window_latency(lo, hi) for lo, hi in series_bins]
                      if keep_intervals else None)


def metric_values(view: RunView, extra_percentiles: Sequence[float] = (),
                  names: Iterable[str] | None = None) -> dict[str, float]:
    """The values of the metrics ``names`` (default: all), plus any extra latency p(N).

    Why ``names``: a check during a run (``abort_on_fail``) needs one metric, not all.
    """
    values: dict[str, float] = {}
    for name in REGISTRY if names is None else names:
        values.update(REGISTRY[name].compute(view))
    if extra_percentiles:
        latency = view.latency()
        for p, value in zip(extra_percentiles, latency.percentiles(extra_percentiles),
                            strict=True):
            values[str(ValueKey("latency", stat=f"p({p:g})"))] = value
    return values


def _series_bins(view: RunView) -> list[tuple[int, int]]:
    """Each series bin as the run's time bins it covers (first, end): series edges are
    time bin edges; the last series bin also holds requests started while the run drains,
    as it always has."""
    summaries = view.summaries
    edges = [view.bin_at(k * summaries.series_bin_s) for k in range(summaries.series_bins)]
    return list(zip(edges, [*edges[1:], summaries.bins], strict=True))


def _series(view: RunView, series_bins: list[tuple[int, int]]) -> dict[str, list[float]]:
    """Small per-bin series for plots: requests, successes, latency percentiles, backend
    gauges, live views' stale visible time.

    Bins cover the whole run, warm-up included (a report shades it); a request counts in
    the bin it started in.
    """
    result = view.result
    bins = len(next(iter(result.series_averages.values()), []))
    if bins == 0:
        return {}
    by_bin = view.status_by_bin
    series: dict[str, list[float]] = {
        "time_s": ((np.arange(bins) + 0.5) * result.series_bin_s).tolist(),
        "requests": [float(by_bin[lo:hi].sum()) for lo, hi in series_bins],
        "ok": [float(by_bin[lo:hi, int(Status.OK)].sum()) for lo, hi in series_bins]}
    percentiles: list[list[float]] = [[], [], []]
    for lo, hi in series_bins:
        values = view.summaries.window_latency(lo, hi).percentiles((50, 90, 99))
        for column, value in zip(percentiles, values, strict=True):
            column.append(value)
    series["latency_p50_s"], series["latency_p90_s"], series["latency_p99_s"] = percentiles
    series["goodput"] = goodput_series(view)
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
