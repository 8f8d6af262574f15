"""Latency and size distributions, sampled in numpy blocks.

Every distribution knows its mean (used by reports and by theory checks) and draws ``n``
values at once from a given generator. All values are non-negative floats in the unit the
caller chose (seconds for latencies).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Z99 = 2.3263478740408408
"""The 99th percentile of the standard normal distribution."""


class Distribution(ABC):
    """A non-negative distribution that draws in blocks."""

    @abstractmethod
    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` values; the i-th value must depend only on the i-th draw slot."""

    @property
    @abstractmethod
    def mean(self) -> float:
        """The expected value (``math.inf`` when it does not exist)."""


@dataclass(frozen=True)
class Constant(Distribution):
    value: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, self.value)

    @property
    def mean(self) -> float:
        return self.value


@dataclass(frozen=True)
class Exponential(Distribution):
    mean_value: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.exponential(self.mean_value, n)

    @property
    def mean(self) -> float:
        return self.mean_value


@dataclass(frozen=True)
class Uniform(Distribution):
    low: float
    high: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2


@dataclass(frozen=True)
class TruncatedNormal(Distribution):
    """Normal truncated at zero: negative draws are redrawn (rejection keeps the shape)."""

    mu: float
    sd: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        values = rng.normal(self.mu, self.sd, n)
        negative = values < 0
        while negative.any():
            values[negative] = rng.normal(self.mu, self.sd, int(negative.sum()))
            negative = values < 0
        return values

    @property
    def mean(self) -> float:
        if self.sd == 0:
            return self.mu
        alpha = -self.mu / self.sd
        pdf = math.exp(-alpha * alpha / 2) / math.sqrt(2 * math.pi)
        survival = 0.5 * math.erfc(alpha / math.sqrt(2))
        return self.mu + self.sd * pdf / survival


@dataclass(frozen=True)
class Lognormal(Distribution):
    """Lognormal with log-mean ``mu`` and log-sd ``sigma``."""

    mu: float
    sigma: float

    @classmethod
    def from_median_p99(cls, median: float, p99: float) -> Lognormal:
        return cls(math.log(median), math.log(p99 / median) / Z99)

    @classmethod
    def from_mean_sigma(cls, mean: float, sigma: float) -> Lognormal:
        return cls(math.log(mean) - sigma * sigma / 2, sigma)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.lognormal(self.mu, self.sigma, n)

    @property
    def mean(self) -> float:
        return math.exp(self.mu + self.sigma * self.sigma / 2)


@dataclass(frozen=True)
class Gamma(Distribution):
    shape: float
    scale: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.gamma(self.shape, self.scale, n)

    @property
    def mean(self) -> float:
        return self.shape * self.scale


@dataclass(frozen=True)
class Pareto(Distribution):
    """Pareto (type I) with minimum ``scale`` and tail index ``alpha``."""

    alpha: float
    scale: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return (rng.pareto(self.alpha, n) + 1.0) * self.scale

    @property
    def mean(self) -> float:
        return math.inf if self.alpha <= 1 else self.alpha * self.scale / (self.alpha - 1)


@dataclass(frozen=True)
class Empirical(Distribution):
    """Resamples observed values uniformly (a bootstrap of a trace)."""

    values: tuple[float, ...]

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.asarray(self.values)[rng.integers(0, len(self.values), n)]

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))


@dataclass(frozen=True)
class Mixture(Distribution):
    """Picks a component by weight for every draw (e.g. 95% fast path, 5% slow path)."""

    weights: tuple[float, ...]
    components: tuple[Distribution, ...]

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        probabilities = np.asarray(self.weights) / sum(self.weights)
        choice = rng.choice(len(self.components), size=n, p=probabilities)
        out = np.empty(n)
        for index, component in enumerate(self.components):
            mask = choice == index
            out[mask] = component.draw(rng, int(mask.sum()))
        return out

    @property
    def mean(self) -> float:
        total = sum(self.weights)
        return sum(w / total * c.mean for w, c in zip(self.weights, self.components, strict=True))


def mixture(weights: Sequence[float], components: Sequence[Distribution]) -> Mixture:
    return Mixture(tuple(weights), tuple(components))
