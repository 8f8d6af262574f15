"""The candidate distributions: each fitted one can give its CDF and quantiles, and the
scenario language's syntax for itself (or None when the language has none)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from scipy import stats

from asyncsim.lang.units import format_duration

Z99 = float(stats.norm.ppf(0.99))
Snippet = dict[str, Any]


class Shape(Protocol):
    def cdf(self, x: np.ndarray) -> np.ndarray: ...
    def ppf(self, q: np.ndarray) -> np.ndarray: ...


def duration(seconds: float) -> str:
    """A duration as the scenario language writes it, to 5 significant digits."""
    return format_duration(float(f"{seconds:.5g}"))


@dataclass(frozen=True)
class Fitted:
    """One fitted candidate; ``distance`` is the goodness of fit the ranking uses."""

    family: str
    params: dict[str, float]
    shape: Shape
    n_params: int
    snippet: Snippet | None
    distance: float = math.nan
    ad: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def cdf(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.shape.cdf(np.asarray(x, dtype=float)), dtype=float)

    def ppf(self, q: np.ndarray) -> np.ndarray:
        return np.asarray(self.shape.ppf(np.asarray(q, dtype=float)), dtype=float)


def lognormal(mu: float, sigma: float) -> Fitted:
    median, p99 = math.exp(mu), math.exp(mu + Z99 * sigma)
    return Fitted("lognormal", {"median": median, "p99": p99, "sigma": sigma},
                  stats.lognorm(s=sigma, scale=median), 2,
                  {"lognormal": {"median": duration(median), "p99": duration(p99)}})


def gamma(shape: float, scale: float) -> Fitted:
    mean = shape * scale
    return Fitted("gamma", {"shape": shape, "mean": mean},
                  stats.gamma(a=shape, scale=scale), 2,
                  {"gamma": {"shape": float(f"{shape:.5g}"), "mean": duration(mean)}})


def pareto(alpha: float, minimum: float) -> Fitted:
    """No snippet at alpha <= 1: the mean is infinite, and the scenario language refuses
    a latency without a finite mean (every mean metric would be meaningless)."""
    finite = float(f"{alpha:.5g}") > 1
    return Fitted("pareto", {"alpha": alpha, "min": minimum},
                  stats.pareto(b=alpha, scale=minimum), 2,
                  {"pareto": {"alpha": float(f"{alpha:.5g}"), "min": duration(minimum)}}
                  if finite else None, note="" if finite else "alpha <= 1: infinite mean")


class _Mixture:
    def __init__(self, weights: np.ndarray, mus: np.ndarray, sigmas: np.ndarray) -> None:
        self.weights, self.mus, self.sigmas = weights, mus, sigmas

    def cdf(self, x: np.ndarray) -> np.ndarray:
        logx = np.log(np.maximum(x, 1e-300))
        parts = [w * stats.norm.cdf((logx - m) / s)
                 for w, m, s in zip(self.weights, self.mus, self.sigmas, strict=True)]
        return np.asarray(np.where(x > 0, np.sum(parts, axis=0), 0.0))

    def ppf(self, q: np.ndarray) -> np.ndarray:
        """By interpolation on a fine grid of the log axis (the CDF has no inverse)."""
        low = float(np.min(self.mus - 9 * self.sigmas))
        high = float(np.max(self.mus + 9 * self.sigmas))
        grid = np.linspace(low, high, 20_001)
        return np.asarray(np.exp(np.interp(q, self.cdf(np.exp(grid)), grid)))


def mixture(weights: np.ndarray, mus: np.ndarray, sigmas: np.ndarray) -> Fitted:
    order = np.argsort(mus)
    weights, mus, sigmas = weights[order], mus[order], sigmas[order]
    params: dict[str, float] = {}
    components = []
    for i, (w, m, s) in enumerate(zip(weights, mus, sigmas, strict=True)):
        part = lognormal(float(m), float(s))
        params |= {f"weight_{i + 1}": float(w), f"median_{i + 1}": part.params["median"],
                   f"p99_{i + 1}": part.params["p99"]}
        components.append({"weight": float(f"{w:.4g}"), "distribution": part.snippet})
    return Fitted("mixture", params, _Mixture(weights, mus, sigmas), 5,
                  {"mixture": components})


class _Empirical:
    def __init__(self, values: np.ndarray) -> None:
        self.values = np.sort(values)

    def cdf(self, x: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.values, x, side="right") / len(self.values)

    def ppf(self, q: np.ndarray) -> np.ndarray:
        return np.asarray(np.quantile(self.values, q))


EMPIRICAL_POINTS = 200
"""An empirical snippet lists this many quantiles, not every sample: a scenario stays
readable, and 200 quantiles put the CDF within 1/400 of the data's (below the KS noise
of any sample size that is worth fitting)."""


def empirical(values: np.ndarray, note: str = "") -> Fitted:
    k = min(len(values), EMPIRICAL_POINTS)
    points = np.quantile(values, (np.arange(k) + 0.5) / k)
    return Fitted("empirical", {"points": float(k)}, _Empirical(points), k,
                  {"empirical": {"samples": [duration(float(v)) for v in points]}},
                  note=note or f"{k} quantiles of the data")
