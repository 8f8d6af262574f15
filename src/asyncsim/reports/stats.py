"""Confidence intervals over replications (Student t), without SciPy."""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

_T975 = (12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
         2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
         2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423)
"""Two-sided 95% Student t quantiles for 1..30 degrees of freedom."""


def t_quantile_975(df: int) -> float:
    if df <= len(_T975):
        return _T975[df - 1]
    # Cornish-Fisher expansion around the normal quantile, accurate to 1e-4 for df > 30.
    z = NormalDist().inv_cdf(0.975)
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def mean_ci95(values: Sequence[float]) -> tuple[float, float, float]:
    """(mean, low, high); the interval is NaN-wide with one replication or NaN values."""
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return math.nan, math.nan, math.nan
    n = len(finite)
    mean = math.fsum(finite) / n
    if n < 2:
        return mean, math.nan, math.nan
    variance = math.fsum((v - mean) ** 2 for v in finite) / (n - 1)
    half = t_quantile_975(n - 1) * math.sqrt(variance / n)
    return mean, mean - half, mean + half


def wilson_ci95(values: Sequence[float]) -> tuple[float, float, float]:
    """(share, low, high) of per-run outcomes 1 (yes) or 0 (no): the Wilson score interval
    (Wilson 1927), z = 1.96.

    Why not the t interval: with every run alike (all recovered) its width is 0, claiming
    certainty from a handful of runs; Wilson's is [0.72, 1] for 10 of 10.
    """
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return math.nan, math.nan, math.nan
    n = len(finite)
    share = math.fsum(finite) / n
    z = NormalDist().inv_cdf(0.975)
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    return share, max(0.0, centre - half), min(1.0, centre + half)


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz, as in
    Numerical Recipes 6.4); converges fast for x < (a + 1) / (a + b + 2)."""
    tiny, eps = 1e-300, 3e-16
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 400):
        m2 = 2 * m
        for numerator in (m * (b - m) * x / ((qam + m2) * (a + m2)),
                          -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < eps:
            break
    return h


def regularized_beta(a: float, b: float, x: float, one_minus_x: float | None = None) -> float:
    """I_x(a, b), the regularized incomplete beta function, for 0 <= x <= 1.

    Pass ``one_minus_x`` when the caller knows it exactly: for x near 1, ``1 - x`` would
    lose most of its digits (a t statistic near 0 gives x = df / (df + t²) ≈ 1).
    """
    y = 1.0 - x if one_minus_x is None else one_minus_x
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log(y))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, y) / b


def t_two_sided_p(t: float, df: float) -> float:
    """P(|T| >= |t|) for Student's t with ``df`` (possibly fractional) degrees of freedom."""
    if math.isnan(t) or df <= 0:
        return math.nan
    if math.isinf(t):
        return 0.0
    return regularized_beta(df / 2.0, 0.5, df / (df + t * t), t * t / (df + t * t))


def holm_adjust(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (NaN stays NaN and is not counted).

    Why Holm: a comparison tests dozens of metrics at once; at 5% each, one or two would
    look 'significant' by chance. Holm keeps the chance of any false alarm under 5%
    and is uniformly more powerful than Bonferroni.
    """
    indexed = sorted((p, i) for i, p in enumerate(p_values) if not math.isnan(p))
    m = len(indexed)
    adjusted = [math.nan] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted
