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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from asyncsim.lang.thresholds import TREND_STATS
from asyncsim.lang.value_key import ValueKey
from asyncsim.sim.layer_books import LayerStats
from asyncsim.sim.outcome import Source, Status
from asyncsim.sim.simulation import RunResult

Kind = Literal["trend", "rate", "counter", "gauge"]
Better = Literal["lower", "higher", "none"]
Interval = Literal["t", "wilson"]

Values = dict[str, float]


class MeasuredColumns(Mapping[str, np.ndarray]):
    """Request columns restricted to the measured window, each filtered on first use.

    Why lazy: a million-request run has ~40 MB of columns; copying all of them to drop
    the warm-up would double peak memory for columns no metric reads.
    """

    def __init__(self, columns: dict[str, np.ndarray], warmup_s: float) -> None:
        self._all = columns
        mask = columns["t_start_s"] >= warmup_s
        self._mask: np.ndarray | None = None if mask.all() else mask
        self.count = int(mask.sum())
        self._cache: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if self._mask is None:
            return self._all[name]
        if name not in self._cache:
            self._cache[name] = self._all[name][self._mask]
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)


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
    """The measured window of one run: requests that started after warm-up."""

    def __init__(self, result: RunResult, recovery: RecoverySettings | None = None) -> None:
        self.result = result
        self.recovery = recovery or RecoverySettings()
        self.memo: dict[str, object] = {}
        """Analyses several metrics share, computed once per view (the recovery's)."""
        self.columns = MeasuredColumns(result.requests, result.warmup_s)
        self.count = self.columns.count
        self.window_s = result.duration_s - result.warmup_s

    def share(self, selected: np.ndarray) -> float:
        return float(selected.sum()) / self.count if self.count else float("nan")

    def status_share(self, *statuses: Status) -> float:
        return self.share(np.isin(self.columns["status"], [int(s) for s in statuses]))

    def source_share(self, *sources: Source) -> float:
        return self.share(np.isin(self.columns["source"], [int(s) for s in sources]))

    def layers(self, kind: str | None = None) -> tuple[LayerStats, ...]:
        """The layers of one kind (every layer without ``kind``) that counted something, in
        the run's order: by backend, then outermost first."""
        return tuple(s for s in self.result.layers if kind is None or s.kind == kind)


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


def trend_stats(values: np.ndarray, extra_percentiles: Iterable[float] = ()) -> Values:
    """avg/min/med/max/p(N) of a sample; NaN for an empty sample."""
    stats = list(TREND_STATS) + [f"p({p:g})" for p in extra_percentiles]
    if len(values) == 0:
        return {s: float("nan") for s in stats}
    out = {"avg": float(values.mean()), "min": float(values.min()),
           "max": float(values.max())}
    wanted = {s: (50.0 if s == "med" else float(s[2:-1])) for s in stats if s not in out}
    quantiles = np.percentile(values, list(wanted.values()))
    out.update({s: float(q) for s, q in zip(wanted, quantiles, strict=True)})
    return out


def trend(name: str, values: np.ndarray) -> Values:
    """The trend ``name`` of a sample: ``name.avg``, ``name.p(99)``... (NaN when empty)."""
    return {str(ValueKey(name, stat=s)): v for s, v in trend_stats(values).items()}


def metrics_markdown() -> str:
    """The vocabulary as a Markdown table (the README embeds exactly this)."""
    from asyncsim.reports.metrics.catalog import REGISTRY as registry  # filled by every family

    lines = ["| metric | kind | unit | better | tags | meaning |",
             "|---|---|---|---|---|---|"]
    for m in registry.values():
        tags = ", ".join(m.tags) or "-"
        lines.append(f"| `{m.name}` | {m.kind} | {m.unit} | {m.better} | {tags} | {m.meaning} |")
    return "\n".join(lines) + "\n"
