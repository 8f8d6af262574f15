"""Log-bucketed histograms with a bounded relative error, and exact sums.

Why our own and not HdrHistogram_py for the run's summaries: a run keeps one histogram
per time bin and tag (hundreds to thousands of them, most nearly empty), merged and
sliced by vectorised numpy. HdrHistogram keeps a dense counts array per histogram (about
34 000 counters for nanoseconds to hours at 3 digits, 270 kB each) and records one
value per Python call. A sparse histogram here is two numpy arrays (bucket keys, counts)
holding only buckets that were hit, filled a chunk of values at a time. HdrHistogram_py
is used where its format matters: the ``.hlog`` export (reports/files/hlog.py).

Buckets (as DDSketch, Masson et al., VLDB 2019): with ``RELATIVE_ERROR`` = α and
γ = (1 + α) / (1 − α), a positive value ``x`` goes to bucket ``i = ceil(log_γ x)``,
covering ``(γ^(i−1), γ^i]``, and is read back as ``2 γ^i / (γ + 1)``, which is within
α of every value of the bucket. Zero has its own bucket, read back as exactly 0. There is
no lowest or highest trackable value to set: every positive double has a bucket, and the
bound holds from 1e-300 to 1e300 (beyond, the read-back leaves the normal doubles).

Percentiles follow numpy's default ("linear") definition on the bucket values: the
order statistics around rank ``(n − 1) p / 100`` are read back and interpolated. Each is
within α of the true order statistic and the interpolation is a convex combination, so
a histogram percentile is within α (relative) of ``np.percentile`` of the raw values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

RELATIVE_ERROR = 0.001
"""α: a percentile read from a histogram is within 0.1% of the exact one."""
GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR)
_LOG_GAMMA = math.log(GAMMA)
_LOG_READ_BACK = math.log(2.0 / (GAMMA + 1.0))
"""log of 2 / (γ + 1): added in the exponent, so the largest doubles read back finite."""
ZERO_BUCKET = -(1 << 19)
"""The bucket of exact zeros (cache hits answered at once); below every positive bucket
(the smallest double, 5e-324, is bucket −372 222)."""
BUCKET_SPAN = 1 << 20
"""Keys pack (cell, bucket) as ``cell * BUCKET_SPAN + bucket − ZERO_BUCKET``."""


def bucket_of(values: np.ndarray) -> np.ndarray:
    """Bucket index of each value (finite, >= 0)."""
    values = np.asarray(values, dtype=np.float64)
    out = np.full(len(values), ZERO_BUCKET, dtype=np.int64)
    positive = values > 0
    out[positive] = np.ceil(np.log(values[positive]) / _LOG_GAMMA).astype(np.int64)
    return out


def bucket_value(buckets: np.ndarray) -> np.ndarray:
    """The value a bucket reads back as (0 for the zero bucket)."""
    buckets = np.asarray(buckets, dtype=np.int64)
    values = np.exp(buckets * _LOG_GAMMA + _LOG_READ_BACK)
    values[buckets == ZERO_BUCKET] = 0.0
    return values


@dataclass
class Histogram:
    """One histogram: buckets in increasing order and their counts (no empty bucket)."""

    buckets: np.ndarray   # int64, sorted, unique
    counts: np.ndarray    # int64, > 0

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    def percentiles(self, ps: Sequence[float]) -> list[float]:
        """numpy's linear percentiles, on the bucket values (NaN when empty)."""
        n = self.total
        if n == 0:
            return [math.nan] * len(ps)
        cumulative = np.cumsum(self.counts)
        values = bucket_value(self.buckets)
        out = []
        for p in ps:
            h = (n - 1) * p / 100.0
            below = math.floor(h)
            low = values[np.searchsorted(cumulative, below, side="right")]
            high = values[np.searchsorted(cumulative, min(below + 1, n - 1), side="right")]
            out.append(float(low + (h - below) * (high - low)))
        return out

    def values(self) -> np.ndarray:
        return bucket_value(self.buckets)


EMPTY = Histogram(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def merged(parts: Sequence[Histogram]) -> Histogram:
    """The histogram of the union of the parts' values (replications, time bins)."""
    parts = [p for p in parts if len(p.buckets)]
    if not parts:
        return EMPTY
    if len(parts) == 1:
        return parts[0]
    buckets = np.concatenate([p.buckets for p in parts])
    counts = np.concatenate([p.counts for p in parts])
    unique, inverse = np.unique(buckets, return_inverse=True)
    return Histogram(unique, _add_int(inverse, counts, len(unique)))


def _add_int(inverse: np.ndarray, counts: np.ndarray, size: int) -> np.ndarray:
    total = np.zeros(size, dtype=np.int64)
    np.add.at(total, inverse, counts)
    return total


class CellHistograms:
    """Histograms of many cells (a cell: a time bin and a tag), kept sparse.

    Chunks of (cell, value) pairs are folded in with one sort; only buckets that were hit
    take memory, so a run's memory does not grow with its length, only with how many
    distinct (cell, bucket) pairs it meets.
    """

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.int64)
        self.counts = np.zeros(0, dtype=np.int64)

    def add(self, cells: np.ndarray, values: np.ndarray) -> None:
        if len(values) == 0:
            return
        keys = cells.astype(np.int64) * BUCKET_SPAN + (bucket_of(values) - ZERO_BUCKET)
        new_keys, new_counts = np.unique(keys, return_counts=True)
        self.fold(new_keys, new_counts.astype(np.int64))

    def fold(self, keys: np.ndarray, counts: np.ndarray) -> None:
        """Add ``counts`` at ``keys`` (sorted, unique): one search, and a copy only when
        new (cell, bucket) pairs appear."""
        if len(self.keys) == 0:
            self.keys, self.counts = keys.copy(), counts.copy()
            return
        at = np.searchsorted(self.keys, keys)
        found = at < len(self.keys)
        found[found] = self.keys[at[found]] == keys[found]
        self.counts[at[found]] += counts[found]
        if not found.all():
            new = ~found
            self.keys = np.insert(self.keys, at[new], keys[new])
            self.counts = np.insert(self.counts, at[new], counts[new])

    def copy(self) -> CellHistograms:
        other = CellHistograms()
        other.keys, other.counts = self.keys.copy(), self.counts.copy()
        return other

    def select(self, cells: np.ndarray) -> Histogram:
        """The merged histogram of the given cells (a boolean mask over cell numbers)."""
        if len(self.keys) == 0:
            return EMPTY
        cell = self.keys // BUCKET_SPAN
        inside = cell < len(cells)
        inside[inside] = cells[cell[inside]]
        if not inside.any():
            return EMPTY
        buckets = self.keys[inside] % BUCKET_SPAN + ZERO_BUCKET
        unique, inverse = np.unique(buckets, return_inverse=True)
        return Histogram(unique, _add_int(inverse, self.counts[inside], len(unique)))


SUM_SHIFT = 1126
"""Exact sums are integers in units of 2^-1126: every finite double is a whole number of
them (the smallest subnormal is 2^-1074 = 2^52 units), so adding them is exact."""


def exact_sum(values: np.ndarray) -> int:
    """The exact sum of finite doubles, in units of 2^-SUM_SHIFT.

    Why exact: a mean from chunks summed in floating point would depend on where the
    chunks split (and differ from any one-pass mean); an exact sum does not, so means stay
    deterministic whatever the chunking, and are correctly rounded.

    How: each value is a 53-bit integer times a power of two; the integers are split in
    two 27-bit halves and added per power of two with ``np.bincount``, whose float sums
    stay exact below 2^53 (up to 2^26 values per call); Python integers do the rest.
    """
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        return 0
    if len(values) > 1 << 26:
        half = len(values) // 2
        return exact_sum(values[:half]) + exact_sum(values[half:])
    mantissa, exponent = np.frexp(values)
    whole = (mantissa * float(1 << 53)).astype(np.int64)   # value = whole * 2^(e - 53)
    lowest = int(exponent.min())
    index = exponent - lowest
    high = np.bincount(index, weights=(whole >> 26).astype(np.float64))
    low = np.bincount(index, weights=(whole & ((1 << 26) - 1)).astype(np.float64))
    total = 0
    for offset in np.flatnonzero(np.logical_or(high, low)).tolist():
        total += ((int(high[offset]) << 26) + int(low[offset])) << (
            offset + lowest + SUM_SHIFT - 53)
    return total


def mean_value(total: int, count: int) -> float:
    """The correctly rounded mean of values whose exact sum is ``total`` (NaN when none)."""
    return float(Fraction(total, count << SUM_SHIFT)) if count else math.nan
