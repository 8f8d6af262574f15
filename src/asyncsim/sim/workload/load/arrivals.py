"""Open-model arrival times: Poisson or evenly spaced, at a rate that follows stages.

Stages work like k6's ramping-arrival-rate: each stage moves the rate linearly from the
previous rate to its target over its duration; after the last stage the rate stays. The
arrival times are the images of a unit-rate process under the inverse cumulative rate
Λ⁻¹, so a Poisson workload with stages is an exact non-homogeneous Poisson process and
uses the same exponential draws as its constant-rate version.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from asyncsim.sim.engine import BlockSampler

ArrivalProcess = Literal["poisson", "constant"]


@dataclass(frozen=True)
class Stage:
    duration_s: float
    target_rate_per_s: float


@dataclass(frozen=True)
class ArrivalSpec:
    rate_per_s: float
    process: ArrivalProcess = "poisson"
    stages: tuple[Stage, ...] = field(default_factory=tuple)


class RateProfile:
    """Piecewise-linear rate and its cumulative integral, invertible in closed form."""

    def __init__(self, spec: ArrivalSpec) -> None:
        self.segments: list[tuple[float, float, float, float]] = []  # t0, t1, r0, r1
        t, rate = 0.0, spec.rate_per_s
        for stage in spec.stages:
            self.segments.append((t, t + stage.duration_s, rate, stage.target_rate_per_s))
            t, rate = t + stage.duration_s, stage.target_rate_per_s
        self.segments.append((t, math.inf, rate, rate))

    def area_between(self, start: float, end: float) -> float:
        """Expected arrivals in [start, end]: the integral of the rate."""
        area = 0.0
        for t0, t1, r0, r1 in self.segments:
            lo, hi = max(t0, start), min(t1, end)
            if hi > lo:
                slope = (r1 - r0) / (t1 - t0) if t1 != math.inf else 0.0
                area += (2 * r0 + slope * (lo - t0 + hi - t0)) / 2 * (hi - lo)
        return area

    def invert(self, area: float) -> float:
        """The time at which the cumulative rate reaches ``area`` (inf if never)."""
        for t0, t1, r0, r1 in self.segments:
            span = t1 - t0
            segment_area = (r0 + r1) / 2 * span if span != math.inf else math.inf
            if area <= segment_area * (1 + 1e-12) + 1e-12:  # rounding at a segment's end
                return t0 + _solve_ramp(area, r0, (r1 - r0) / span if span != math.inf else 0.0)
            area -= segment_area
        return math.inf


def _solve_ramp(area: float, r0: float, slope: float) -> float:
    """Smallest x ≥ 0 with r0·x + slope·x²/2 = area."""
    if abs(slope) < 1e-15:
        return area / r0 if r0 > 0 else math.inf
    disc = max(0.0, r0 * r0 + 2 * slope * area)  # >= 0 for area within the segment
    return (-r0 + math.sqrt(disc)) / slope if slope > 0 else (r0 - math.sqrt(disc)) / -slope


def arrival_gaps(spec: ArrivalSpec, rng: np.random.Generator) -> Iterator[float]:
    """Successive gaps between arrivals (seconds); ends when the rate drops to zero for good.

    With no stages the gaps are the raw draws of the stream ``workload:arrivals`` (mean
    1/rate), the draw order the exactness test relies on.
    """
    unit: Callable[[], float] = (BlockSampler(lambda g, n: g.exponential(1.0, n), rng)
                                 if spec.process == "poisson" else _ones)
    if not spec.stages:
        scale = 1.0 / spec.rate_per_s
        while True:
            yield unit() * scale
    profile = RateProfile(spec)
    area, previous = 0.0, 0.0
    while True:
        area += unit()
        t = profile.invert(area)
        if t == math.inf:
            return
        yield t - previous
        previous = t


def gap_sampler(spec: ArrivalSpec, rng: np.random.Generator) -> Callable[[], float]:
    """The gaps of :func:`arrival_gaps` one call at a time, ``inf`` once they end.

    Why: the open loop asks for a gap per arrival, and a generator resume per gap costs
    more than the draw. At a constant rate the blocks are scaled in numpy, which gives
    the very same floats as scaling each draw (one IEEE multiplication either way).
    """
    if not spec.stages:
        scale = 1.0 / spec.rate_per_s
        if spec.process == "constant":
            return lambda: scale
        return BlockSampler(lambda g, n: g.exponential(1.0, n) * scale, rng)
    gaps = arrival_gaps(spec, rng)
    return lambda: next(gaps, math.inf)


def _ones() -> float:
    return 1.0
