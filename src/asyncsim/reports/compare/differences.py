"""Comparing two sets of results metric by metric: delta, interval, verdict.

A *side* is one strategy's replication values (from ``summary.json``: ``strategies.<s>
.replications``). Two sides with the same number of replications are compared by the
**paired** difference per replication: strategies of one run share their random
numbers, so pairing removes the noise they have in common (and for independent runs it
is still a valid test). Otherwise Welch's unequal-variance interval is used.

The verdict uses the metric registry's ``better`` direction. Because a comparison tests
every metric at once, significance is judged on Holm-adjusted p-values (family-wise
error 5% by default), and the interval shown comes from the same test: it is the
interval at level 1 - alpha * p / p_adjusted, so it excludes 0 exactly when the
adjusted p-value is under alpha. Why: an unadjusted interval beside an adjusted verdict
reads as a contradiction ("CI [-14%, -10%], no significant change").

This module is a pure function API (no printing, no files) so that the CI gate (issue 8)
can reuse :func:`compare_summaries` and apply its own tolerances on top.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.reports.stats import holm_adjust, t_two_sided_p

Verdict = Literal["better", "worse", "changed", "no significant change", "inconclusive"]
Correction = Literal["holm", "none"]


@dataclass(frozen=True)
class MetricComparison:
    """One value key compared between side A (before/reference) and side B (after)."""

    strategy: str
    """The strategy name, or ``"a → b"`` when two strategies of one run are compared."""
    key: str
    metric: str
    unit: str
    better: str
    a: float
    b: float
    delta: float
    """b - a, in the metric's unit."""
    relative: float
    """delta / |a| (NaN when a is 0 or missing)."""
    ci_low: float
    ci_high: float
    """95% confidence interval of the difference b - a."""
    p_value: float
    """Two-sided p-value of 'no difference', adjusted for multiple comparisons."""
    n: int
    paired: bool
    verdict: Verdict
    se: float = math.nan
    """Standard error of the difference (0: every replication moved by the same amount)."""
    df: float = math.nan

    @property
    def significant(self) -> bool:
        return self.verdict in ("better", "worse", "changed")


@dataclass(frozen=True)
class _Difference:
    delta: float
    ci_low: float
    ci_high: float
    p_value: float
    n: int
    paired: bool
    se: float = math.nan
    df: float = math.nan


def _clean(values: Iterable[Any]) -> list[float]:
    return [float(v) for v in values if isinstance(v, int | float) and math.isfinite(v)]


def difference(a: Sequence[Any], b: Sequence[Any], paired: bool = True) -> _Difference:
    """Mean difference b - a with its 95% interval and two-sided p-value."""
    if paired and len(a) == len(b):
        pairs = [(x, y) for x, y in zip(a, b, strict=True)
                 if isinstance(x, int | float) and isinstance(y, int | float)
                 and math.isfinite(x) and math.isfinite(y)]
        diffs = [float(y) - float(x) for x, y in pairs]
        n = len(diffs)
        if n == 0:
            return _Difference(math.nan, math.nan, math.nan, math.nan, 0, True)
        mean = math.fsum(diffs) / n
        if n < 2:
            return _Difference(mean, math.nan, math.nan, math.nan, n, True)
        sd = math.sqrt(math.fsum((d - mean) ** 2 for d in diffs) / (n - 1))
        return _from_se(mean, sd / math.sqrt(n), n - 1, n, True)
    xs, ys = _clean(a), _clean(b)
    if not xs or not ys:
        return _Difference(math.nan, math.nan, math.nan, math.nan, 0, False)
    mean = math.fsum(ys) / len(ys) - math.fsum(xs) / len(xs)
    if len(xs) < 2 or len(ys) < 2:
        return _Difference(mean, math.nan, math.nan, math.nan, min(len(xs), len(ys)), False)
    va, vb = _variance(xs) / len(xs), _variance(ys) / len(ys)
    se = math.sqrt(va + vb)
    df = ((va + vb) ** 2 / (va**2 / (len(xs) - 1) + vb**2 / (len(ys) - 1))
          if va + vb > 0 else float(len(xs) + len(ys) - 2))
    # Welch's df floored: conservative, and the p-value and interval use the same df.
    return _from_se(mean, se, max(1.0, math.floor(df)), min(len(xs), len(ys)), False)


def _variance(values: Sequence[float]) -> float:
    mean = math.fsum(values) / len(values)
    return math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)


def _from_se(mean: float, se: float, df: float, n: int, paired: bool) -> _Difference:
    if se == 0:
        # Every replication moved by the same amount: the difference is exact.
        return _Difference(mean, mean, mean, 1.0 if mean == 0 else 0.0, n, paired, se, df)
    half = t_quantile(df, 0.05) * se
    return _Difference(mean, mean - half, mean + half, t_two_sided_p(mean / se, df), n, paired,
                       se, df)


def t_quantile(df: float, tail: float) -> float:
    """t such that P(|T| >= t) = ``tail`` for Student's t with ``df`` degrees of freedom
    (bisection on the p-value: monotone, and exact to 1e-10)."""
    if tail >= 1:
        return 0.0
    low, high = 0.0, 1.0
    while t_two_sided_p(high, df) > tail:
        high *= 2
        if high > 1e12:
            return math.inf
    for _ in range(200):
        middle = (low + high) / 2
        if t_two_sided_p(middle, df) > tail:
            low = middle
        else:
            high = middle
        if high - low < 1e-10 * high:
            break
    return high


def _adjusted_interval(row: MetricComparison, raw_p: float, adjusted_p: float,
                       alpha: float) -> tuple[float, float]:
    """The interval at level 1 - alpha * raw / adjusted: it excludes 0 exactly when the
    adjusted p-value is under alpha, as the verdict says."""
    if not (math.isfinite(row.se) and math.isfinite(row.df)) or row.se == 0:
        return row.ci_low, row.ci_high
    if not (math.isfinite(raw_p) and math.isfinite(adjusted_p)) or adjusted_p <= 0:
        return row.ci_low, row.ci_high
    half = t_quantile(row.df, alpha * raw_p / adjusted_p) * row.se
    return row.delta - half, row.delta + half


def _verdict(better: str, delta: float, p_value: float, alpha: float) -> Verdict:
    if math.isnan(p_value):
        return "inconclusive"
    if p_value >= alpha or delta == 0:
        return "no significant change"
    if better == "lower":
        return "better" if delta < 0 else "worse"
    if better == "higher":
        return "better" if delta > 0 else "worse"
    return "changed"


def metric_info(key: str, *summaries: Mapping[str, Any]) -> tuple[str, str, str]:
    """(metric name, unit, better) of a value key, from the summaries or the registry."""
    name = ValueKey.parse(key).name
    for summary in summaries:
        info = summary.get("metrics", {}).get(name)
        if info:
            return name, str(info.get("unit", "")), str(info.get("better", "none"))
    metric = REGISTRY.get(name)
    return (name, metric.unit, metric.better) if metric else (name, "", "none")


def _side(summary: Mapping[str, Any], strategy: str) -> Mapping[str, Any]:
    strategies = summary.get("strategies", {})
    if strategy not in strategies:
        raise KeyError(f"no strategy {strategy!r} (have: {', '.join(sorted(strategies))})")
    side: Mapping[str, Any] = strategies[strategy]
    return side


def _compare_sides(label: str, a: Mapping[str, Any], b: Mapping[str, Any],
                   summaries: Sequence[Mapping[str, Any]], keys: Iterable[str] | None,
                   paired: bool) -> list[MetricComparison]:
    common = sorted(set(a.get("replications", {})) & set(b.get("replications", {})))
    wanted = common if keys is None else [k for k in keys if k in common]
    out = []
    for key in wanted:
        name, unit, better = metric_info(key, *summaries)
        reps_a, reps_b = a["replications"][key], b["replications"][key]
        diff = difference(reps_a, reps_b, paired)
        mean_a, mean_b = _mean(reps_a), _mean(reps_b)
        relative = (diff.delta / abs(mean_a) if math.isfinite(mean_a) and mean_a != 0
                    else math.nan)
        out.append(MetricComparison(label, key, name, unit, better, mean_a, mean_b,
                                    diff.delta, relative, diff.ci_low, diff.ci_high,
                                    diff.p_value, diff.n, diff.paired, "inconclusive",
                                    diff.se, diff.df))
    return out


def _mean(values: Sequence[Any]) -> float:
    clean = _clean(values)
    return math.fsum(clean) / len(clean) if clean else math.nan


def _decide(rows: list[MetricComparison], alpha: float,
            correction: Correction) -> list[MetricComparison]:
    p_values = [r.p_value for r in rows]
    adjusted = holm_adjust(p_values) if correction == "holm" else p_values
    out = []
    for row, p in zip(rows, adjusted, strict=True):
        low, high = _adjusted_interval(row, row.p_value, p, alpha)
        out.append(replace(row, p_value=p, ci_low=low, ci_high=high,
                           verdict=_verdict(row.better, row.delta, p, alpha)))
    return out


def compare_summaries(a: Mapping[str, Any], b: Mapping[str, Any], *,
                      strategies: Sequence[str] | None = None, keys: Iterable[str] | None = None,
                      alpha: float = 0.05, correction: Correction = "holm",
                      paired: bool = True) -> list[MetricComparison]:
    """Compare two summaries strategy by strategy (the strategies both have, or those named).

    ``a`` is the reference (a baseline), ``b`` the candidate: a delta is ``b - a``. Keys
    present on one side only are left out. Rows are ordered by strategy, then key.
    """
    names = (list(strategies) if strategies is not None
             else sorted(set(a.get("strategies", {})) & set(b.get("strategies", {}))))
    rows: list[MetricComparison] = []
    for name in names:
        rows += _compare_sides(name, _side(a, name), _side(b, name), (b, a),
                               list(keys) if keys is not None else None, paired)
    return _decide(rows, alpha, correction)


def compare_strategies(summary: Mapping[str, Any], a: str, b: str, *,
                       keys: Iterable[str] | None = None, alpha: float = 0.05,
                       correction: Correction = "holm") -> list[MetricComparison]:
    """Compare strategy ``b`` against strategy ``a`` of one run (paired by replication)."""
    rows = _compare_sides(f"{a} → {b}", _side(summary, a), _side(summary, b), (summary,),
                          list(keys) if keys is not None else None, True)
    return _decide(rows, alpha, correction)


def verdict_counts(rows: Sequence[MetricComparison]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.verdict] = counts.get(row.verdict, 0) + 1
    return counts
