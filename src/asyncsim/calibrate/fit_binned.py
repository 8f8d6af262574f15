"""Fits from summaries instead of samples: Prometheus ``le`` buckets, or percentiles.

Buckets: each family by maximum likelihood on the bucket counts (a multinomial: the
probability the fitted CDF gives each bucket, weighted by its count); the distance is
the largest gap between the fitted CDF and the observed cumulative share at a bucket
bound. The empirical candidate interpolates linearly inside buckets, as Prometheus'
``histogram_quantile`` does. Percentiles: each two-parameter family by least squares on
the log quantiles; the distance is the largest relative error of a fitted percentile.
No mixture from summaries: five parameters are not identified by a few numbers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy import optimize, stats

from asyncsim.calibrate import families as f
from asyncsim.calibrate.columns import numbers, read_table, unit_scale
from asyncsim.calibrate.errors import CalibrationError
from asyncsim.calibrate.fit import KS_CRITICAL, FitResult, ranked_result

Family = Callable[[np.ndarray], f.Fitted]
"""Fitted candidate from unconstrained parameters (logs of the positive ones)."""

_FAMILIES: dict[str, Family] = {
    "lognormal": lambda p: f.lognormal(float(p[0]), math.exp(p[1])),
    "gamma": lambda p: f.gamma(math.exp(p[0]), math.exp(p[1])),
    "pareto": lambda p: f.pareto(math.exp(p[0]), math.exp(p[1])),
}


def read_buckets(path: Path, le: str = "le", count: str = "count",
                 unit: str = "s") -> tuple[np.ndarray, np.ndarray]:
    """Bucket bounds (seconds; ``+Inf`` allowed) and cumulative counts from a CSV/Parquet."""
    table = read_table(path, [le, count])
    bounds = np.array([_bound(str(v), table.file, table.where(i))
                       for i, v in enumerate(table.columns[le])]) * unit_scale(unit)
    return bounds, numbers(table, count, "count")


def _bound(text: str, file: str, where: dict[str, int]) -> float:
    if text.strip().lower() in ("+inf", "inf"):
        return math.inf
    try:
        value = float(text)
    except ValueError:
        raise CalibrationError(f"bucket bound {text!r} is not a number or +Inf", file,
                               **where) from None
    if math.isnan(value) or value < 0:
        raise CalibrationError(f"bucket bound {text!r} must be zero or more", file, **where)
    return value


def fit_buckets(le_s: Sequence[float] | np.ndarray, cumulative: Sequence[float] | np.ndarray,
                source: str = "buckets") -> FitResult:
    """Fit to Prometheus-style buckets: upper bounds in seconds, cumulative counts."""
    bounds = np.asarray(le_s, dtype=float)
    cum = np.asarray(cumulative, dtype=float)
    _check_buckets(bounds, cum, source)
    if math.isfinite(bounds[-1]):
        bounds, cum = np.append(bounds, math.inf), np.append(cum, cum[-1])
    counts = np.diff(cum, prepend=0.0)
    total = float(cum[-1])
    finite = bounds[:-1]
    observed = cum[:-1] / total

    def nll(family: Family) -> Callable[[np.ndarray], float]:
        def of(params: np.ndarray) -> float:
            try:
                cdf = family(params).cdf(finite)
            except (ValueError, OverflowError):
                return math.inf
            probs = np.diff(np.concatenate(([0.0], cdf, [1.0])))
            return float(-np.sum(counts * np.log(np.maximum(probs, 1e-300))))
        return of

    start = _start(finite, observed)
    scored = []
    for name, family in _FAMILIES.items():
        fitted = family(_minimise(nll(family), start[name]))
        gap = float(np.max(np.abs(fitted.cdf(finite) - observed)))
        scored.append(replace(fitted, distance=gap))
    empirical = f.empirical(_bucket_quantiles(finite, observed),
                            note="linear inside buckets, capped at the last finite bound")
    gap = float(np.max(np.abs(empirical.cdf(finite) - observed)))
    scored.append(replace(empirical, distance=gap))
    return ranked_result(source, int(total), "buckets", scored,
                         KS_CRITICAL / math.sqrt(total))


def _check_buckets(bounds: np.ndarray, cum: np.ndarray, source: str) -> None:
    if len(bounds) != len(cum) or len(bounds) < 2:
        raise CalibrationError("need at least 2 buckets, each with a bound and a count", source)
    for i in range(1, len(bounds)):
        if not bounds[i] > bounds[i - 1]:
            raise CalibrationError(f"bucket bounds must increase ({bounds[i - 1]:g} then "
                                   f"{bounds[i]:g})", source, record=i)
        if cum[i] < cum[i - 1]:
            raise CalibrationError("counts must be cumulative (never decrease, as Prometheus' "
                                   "le buckets are)", source, record=i)
    if cum[-1] <= 0:
        raise CalibrationError("every bucket is empty", source)


def _bucket_quantiles(bounds: np.ndarray, share: np.ndarray, k: int = 1000) -> np.ndarray:
    q = (np.arange(k) + 0.5) / k
    xs = np.concatenate(([0.0], bounds))
    ys = np.concatenate(([0.0], share))
    keep = np.concatenate(([True], np.diff(ys) > 0))  # interp needs increasing shares
    return np.asarray(np.interp(q, ys[keep], xs[keep]))


def _start(bounds: np.ndarray, share: np.ndarray) -> dict[str, np.ndarray]:
    """Starting points from the interpolated median and p90 (any sensible guess works)."""
    quantiles = _bucket_quantiles(bounds, share, 1000)
    median = max(float(quantiles[500]), 1e-9)
    p90 = max(float(quantiles[900]), median * 1.01)
    sigma = math.log(p90 / median) / 1.2816
    mean = median * math.exp(sigma * sigma / 2)
    shape = max(1 / (math.exp(sigma * sigma) - 1), 0.05)
    low = max(float(quantiles[0]), median / 100)
    return {"lognormal": np.array([math.log(median), math.log(sigma)]),
            "gamma": np.array([math.log(shape), math.log(mean / shape)]),
            "pareto": np.array([math.log(max(math.log(2) / math.log(median / low), 0.1)),
                                math.log(low)])}


def _minimise(objective: Callable[[np.ndarray], float], start: np.ndarray) -> np.ndarray:
    result = optimize.minimize(objective, start, method="Nelder-Mead",
                               options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 4000})
    return np.asarray(result.x)


_PERCENTILE = re.compile(r"^\s*p(\d+(?:\.\d+)?)\s*[=:]\s*(\S+?)\s*([a-zµ]+)\s*$")


def parse_percentiles(items: Sequence[str], source: str = "percentiles") -> dict[float, float]:
    """``["p50=80ms", "p99=400ms"]`` -> ``{0.5: 0.08, 0.99: 0.4}`` (seconds)."""
    out: dict[float, float] = {}
    for i, item in enumerate(items):
        match = _PERCENTILE.match(item)
        if match is None:
            raise CalibrationError(f"{item!r} is not a percentile (write p50=80ms)", source,
                                   record=i)
        q = float(match.group(1)) / 100
        try:
            value = float(match.group(2)) * unit_scale(match.group(3))
        except ValueError:
            raise CalibrationError(f"{item!r}: {match.group(2)!r} is not a number", source,
                                   record=i) from None
        if not 0 < q < 1 or not value > 0:
            raise CalibrationError(f"{item!r}: the percentile must be between p0 and p100 and "
                                   "the duration positive", source, record=i)
        out[q] = value
    return out


def fit_percentiles(percentiles: Mapping[float, float],
                    source: str = "percentiles") -> FitResult:
    """Fit to quantiles ``{0.5: 0.08, 0.99: 0.4}`` (probability -> seconds)."""
    if len(percentiles) < 2:
        raise CalibrationError("give at least two percentiles (e.g. p50 and p99)", source)
    qs = np.array(sorted(percentiles))
    xs = np.array([percentiles[q] for q in qs])
    if (np.diff(xs) <= 0).any():
        raise CalibrationError("percentiles must increase with the probability", source)
    logx = np.log(xs)
    mu, sigma = _line(stats.norm.ppf(qs), logx)
    log_min, inverse_alpha = _line(-np.log1p(-qs), logx)
    guesses = {"lognormal": np.array([mu, math.log(max(sigma, 1e-6))]),
               "pareto": np.array([math.log(1 / max(inverse_alpha, 1e-6)), log_min])}
    shape = max(1 / (math.exp(sigma ** 2) - 1), 0.05)
    guesses["gamma"] = np.array([math.log(shape), math.log(xs[0] / shape)])
    scored = []
    for name, family in _FAMILIES.items():
        def sq(params: np.ndarray, family: Family = family) -> float:
            try:
                fitted = np.log(np.maximum(family(params).ppf(qs), 1e-300))
            except (ValueError, OverflowError):
                return math.inf
            return float(np.sum((fitted - logx) ** 2))
        fitted = family(_minimise(sq, guesses[name]))
        error = float(np.max(np.abs(fitted.ppf(qs) / xs - 1)))
        scored.append(replace(fitted, distance=error))
    return ranked_result(source, len(qs), "percentiles", scored, PERCENTILE_SLACK)


PERCENTILE_SLACK = 0.01
"""Fits whose worst percentile is within 1% of the best fit's count as equally good (a
percentile read off a dashboard is rarely more precise), and the simplest one wins."""


def _line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(intercept at x = 0, slope) of the least-squares line; exact through two points."""
    slope, intercept = np.polyfit(x, y, 1)
    return float(intercept), float(slope)
