"""The metric registry: every metric is defined once here, with its unit and meaning.

The terminal summary, ``summary.json``, the HTML report and the threshold parser all
read this registry. A metric is computed per run (one strategy, one replication) from a
:class:`RunView`; replications are then averaged with a confidence interval.

Kinds follow k6: a *trend* has the statistics avg/min/med/max/p(N); a *rate* is a share
of requests in [0, 1]; a *counter* counts things in the measured window; a *gauge* is a
time average or a ratio.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from asyncsim.lang.thresholds import TREND_STATS
from asyncsim.lang.value_key import ValueKey
from asyncsim.sim.layer_books import LayerStats
from asyncsim.sim.measure.histogram import Histogram, mean_value
from asyncsim.sim.measure.summaries import Summaries, bin_edges
from asyncsim.sim.outcome import Source, Status
from asyncsim.sim.simulation import RunResult

Kind = Literal["trend", "rate", "counter", "gauge"]
Better = Literal["lower", "higher", "none"]
Interval = Literal["t", "wilson"]

Values = dict[str, float]


@dataclass(frozen=True)
class RecoverySettings:
    """How the recovery after a fault is judged (the scenario's ``recovery:`` section;
    reports/metrics/recovery.py)."""

    tolerance: float = 0.2
    """Allowed relative shortfall of goodput and excess of p99 against the baseline."""
    hold_s: float = 10.0
    """How long the system must stay within the tolerance to count as recovered."""
    step_s: float = 1.0
    """The grid on which the recovery instant is looked for."""

    def __post_init__(self) -> None:
        if not (0 < self.tolerance < 1 and self.hold_s > 0 and self.step_s > 0):
            raise ValueError(f"recovery settings out of range: {self}")


class RunView:
    """The measured window of one run: requests that started after warm-up, read from the
    run's streaming summaries (sim/measure/summaries.py).

    Windows of time are unions of the summaries' time bins: a window's ends (warm-up,
    fault starts and ends, the recovery grid, the goodput_end tail) are bin edges, so
    counts in it are exact. Counts, sums and means are exact; percentiles carry the
    histograms' relative error (``RELATIVE_ERROR``).
    """

    def __init__(self, result: RunResult, recovery: RecoverySettings | None = None) -> None:
        self.result = result
        self.recovery = recovery or RecoverySettings()
        self.memo: dict[str, object] = {}
        """Analyses several metrics share, computed once per view (the recovery's)."""
        self.summaries = _summaries_of(result, self.recovery)
        summaries = self.summaries
        self.measured_bins = np.arange(summaries.bins) >= summaries.warmup_bin
        counts = summaries.counts[:, summaries.warmup_bin:]
        self.by_status = counts.sum(axis=(0, 1, 3))
        self.by_source = counts.sum(axis=(0, 1, 2))
        self.count = int(self.by_status.sum())
        self.window_s = result.duration_s - result.warmup_s
        self.status_by_bin = summaries.counts.sum(axis=(0, 3))   # (bins, status)

    def share(self, part: int) -> float:
        return float(part) / self.count if self.count else float("nan")

    def status_share(self, *statuses: Status) -> float:
        return self.share(int(sum(self.by_status[int(s)] for s in statuses)))

    def source_share(self, *sources: Source) -> float:
        return self.share(int(sum(self.by_source[int(s)] for s in sources)))

    def bin_at(self, t_s: float) -> int:
        """The bin starting at ``t_s``: the edge equal to it (to rounding: an early stop's
        clock may differ from the edge by an ulp), else the first edge after it."""
        edges = self.summaries.edges_s
        if not math.isfinite(t_s):   # a window open to the end: past the last bin
            return len(edges)
        index = int(np.searchsorted(edges, t_s))
        if index < len(edges) and edges[index] == t_s:
            return index
        if index > 0 and t_s - edges[index - 1] <= 1e-9 * max(1.0, abs(t_s)):
            return index - 1
        return index

    def bins_in(self, spans: Iterable[tuple[float, float]]) -> np.ndarray:
        """Which bins lie in ``spans`` (a boolean mask over bins)."""
        inside = np.zeros(self.summaries.bins, dtype=bool)
        for start, end in spans:
            inside[self.bin_at(start):self.bin_at(end)] = True
        return inside

    def requests_in(self, bins: np.ndarray, *statuses: Status) -> int:
        """Requests started in ``bins`` (of the given statuses, or all)."""
        per_bin = self.status_by_bin[bins]
        if statuses:
            return int(per_bin[:, [int(s) for s in statuses]].sum())
        return int(per_bin.sum())

    def class_requests(self, request_class: int, *statuses: Status) -> int:
        """Measured requests of one request class (of the given statuses, or all)."""
        if request_class >= self.summaries.classes:
            return 0
        counts = self.summaries.counts[request_class, self.summaries.warmup_bin:]
        per_status = counts.sum(axis=(0, 2))
        return int(per_status[[int(s) for s in statuses]].sum() if statuses
                   else per_status.sum())

    def latency(self, request_class: int | None = None) -> Distribution:
        """The measured requests' latency (of one request class, or all)."""
        s = self.summaries
        classes = range(s.classes) if request_class is None else [request_class]
        count = sum(self.class_requests(c) for c in classes)
        return Distribution(
            count, mean_value(sum(s.latency_sum[c][1] for c in classes), count),
            min((float(s.latency_min[c, 1]) for c in classes), default=math.nan),
            max((float(s.latency_max[c, 1]) for c in classes), default=math.nan),
            s.latency_histogram(self.measured_bins, request_class))

    def staleness(self) -> Distribution:
        """How long the measured deliveries' versions had been superseded (0: current)."""
        s = self.summaries
        histogram = s.stale_histogram()
        return Distribution(histogram.total, mean_value(s.stale_sum[1], histogram.total),
                            float(s.stale_min[1]), float(s.stale_max[1]), histogram)

    def layers(self, kind: str | None = None) -> tuple[LayerStats, ...]:
        """The layers of one kind (every layer without ``kind``) that counted something, in
        the run's order: by backend, then outermost first."""
        return tuple(s for s in self.result.layers if kind is None or s.kind == kind)


@dataclass(frozen=True)
class Distribution:
    """A measured quantity's distribution: exact count, mean and extremes; percentiles
    from its histogram (within ``RELATIVE_ERROR``)."""

    count: int
    mean: float
    min: float
    max: float
    histogram: Histogram

    def percentiles(self, ps: Sequence[float]) -> list[float]:
        """The histogram's percentiles, kept within the exact extremes: a percentile at the
        minimum or maximum (a p99 of requests cut by a 300 ms timeout) is then exact."""
        return [min(max(v, self.min), self.max) if not math.isnan(v) else v
                for v in self.histogram.percentiles(ps)]


def _summaries_of(result: RunResult, recovery: RecoverySettings) -> Summaries:
    """The run's summaries; summarised here from its columns when it has none (a result
    built by hand) or when they were binned for another recovery grid."""
    grid = (recovery.step_s, recovery.hold_s)
    if result.summaries is not None and (result.summaries.recovery_grid_s == grid
                                         or not result.requests):
        return result.summaries
    bins = max(1, round((result.duration_s) / result.series_bin_s))
    edges = bin_edges(result.warmup_s, result.duration_s, result.series_bin_s, bins,
                      ((f.start_s, f.end_s) for f in result.faults), *grid)
    summaries = Summaries(edges, result.warmup_s, result.series_bin_s, bins, grid)
    columns = dict(result.requests)
    rows = len(columns.get("t_start_s", ()))
    for name, fill, dtype in _DEFAULTS:   # hand-made columns may leave out the defaults
        columns.setdefault(name, np.full(rows, fill, dtype=dtype))
    summaries.add(columns)
    return summaries


_DEFAULTS = (("t_start_s", 0.0, np.float64), ("latency_s", 0.0, np.float64),
             ("status", 0, np.int8), ("source", 0, np.int8), ("attempts", 0, np.int32),
             ("request_class", 0, np.int8), ("version", -1, np.int32),
             ("stale_s", np.nan, np.float32))


@dataclass(frozen=True)
class Metric:
    name: str
    kind: Kind
    unit: str                 # "s" for times, "1" for ratios, "req" etc. for counts
    better: Better
    meaning: str
    compute: Callable[[RunView], Values] = field(repr=False, compare=False)
    family: str = "core"
    tags: tuple[str, ...] = ()  # tag names this metric can be filtered by (e.g. "backend")
    idle: float = 0.0           # its value when the pattern it measures is absent
    interval: Interval = "t"
    """How replications are summarised: "t" for a mean with a Student t interval;
    "wilson" for a per-run yes/no (1 or 0) whose mean is a probability, with a Wilson
    score interval that stays inside [0, 1] and is not empty when every run agrees."""

    def says_nothing(self, values: Iterable[float | None]) -> bool:
        """A pattern metric whose every value is idle (or missing) says nothing about this
        scenario: hit_rate without a cache, breaker metrics without a breaker. Core
        metrics always speak."""
        return self.family != "core" and all(
            v is None or math.isnan(v) or v == self.idle for v in values)


REGISTRY: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    if metric.name in REGISTRY:
        raise ValueError(f"metric {metric.name!r} is defined twice")
    REGISTRY[metric.name] = metric
    return metric


def metric(name: str, kind: Kind, unit: str, better: Better, meaning: str,
           family: str = "core", tags: tuple[str, ...] = (), idle: float = 0.0,
           interval: Interval = "t"
           ) -> Callable[[Callable[[RunView], Values]], Callable[[RunView], Values]]:
    """Decorator: register ``compute`` as the one definition of ``name``."""
    def wrap(compute: Callable[[RunView], Values]) -> Callable[[RunView], Values]:
        register(Metric(name, kind, unit, better, meaning, compute, family, tags, idle,
                        interval))
        return compute
    return wrap


def trend_stats(values: np.ndarray | Distribution,
                extra_percentiles: Iterable[float] = ()) -> Values:
    """avg/min/med/max/p(N) of a sample or of a distribution (percentiles then from its
    histogram); NaN when empty."""
    stats = list(TREND_STATS) + [f"p({p:g})" for p in extra_percentiles]
    if (values.count if isinstance(values, Distribution) else len(values)) == 0:
        return {s: float("nan") for s in stats}
    if isinstance(values, Distribution):
        out = {"avg": values.mean, "min": values.min, "max": values.max}
    else:
        out = {"avg": float(values.mean()), "min": float(values.min()),
               "max": float(values.max())}
    wanted = {s: (50.0 if s == "med" else float(s[2:-1])) for s in stats if s not in out}
    quantiles = (values.percentiles(list(wanted.values()))
                 if isinstance(values, Distribution)
                 else np.percentile(values, list(wanted.values())))
    out.update({s: float(q) for s, q in zip(wanted, quantiles, strict=True)})
    return out


def trend(name: str, values: np.ndarray | Distribution, tag: str | None = None) -> Values:
    """The trend ``name`` of a sample: ``name.avg``, ``name.p(99)``... (NaN when empty);
    with ``tag``, ``name{tag}.avg``..."""
    return {str(ValueKey(name, tag=tag, stat=s)): v for s, v in trend_stats(values).items()}


def metrics_markdown() -> str:
    """The vocabulary as a Markdown table (the README embeds exactly this)."""
    from asyncsim.reports.metrics.catalog import REGISTRY as registry  # filled by every family

    lines = ["| metric | kind | unit | better | tags | meaning |",
             "|---|---|---|---|---|---|"]
    for m in registry.values():
        tags = ", ".join(m.tags) or "-"
        lines.append(f"| `{m.name}` | {m.kind} | {m.unit} | {m.better} | {tags} | {m.meaning} |")
    return "\n".join(lines) + "\n"
