"""One quantity measured value by value, in flat memory: a hop's call durations, a
fan-out's wait for its first leaf.

Why: a service graph's timings used to keep every sample (8 bytes per call per hop; a
fan-out to 100 leaves is 800 bytes a request), so a long run's memory grew with its
length. A :class:`ValueStream` appends to a small buffer and folds it, a chunk at a time,
into what the metrics read: the exact count, sum (in :func:`exact_sum` units, so means do
not depend on where chunks split) and extremes, and a sparse histogram whose percentiles
are within ``RELATIVE_ERROR``. The samples themselves are kept only when asked (``keep``:
the exact checks in tests/validation), as the request log is.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

import numpy as np

from asyncsim.sim.measure.histogram import EMPTY, CellHistograms, Histogram, exact_sum, mean_value

CHUNK_VALUES = 1 << 14
"""Values buffered before a fold: 128 kB of doubles."""
_ALL = np.ones(1, dtype=bool)
"""The one cell every value goes to."""


@dataclass(frozen=True)
class ValueSummary:
    """What a stream measured: exact count, sum, extremes; percentiles from the histogram."""

    count: int
    total: int
    """The exact sum, in units of 2^-SUM_SHIFT (sim/measure/histogram.py)."""
    min: float
    max: float
    histogram: Histogram
    samples: np.ndarray | None = None
    """Every value in arrival order, when the stream kept them; else None."""

    @property
    def mean(self) -> float:
        """The correctly rounded mean (NaN when empty)."""
        return mean_value(self.total, self.count)

    @property
    def sum(self) -> float:
        """The sum, correctly rounded to a double (0 when empty)."""
        return mean_value(self.total, 1)

    @classmethod
    def of(cls, values: np.ndarray, keep: bool = False) -> ValueSummary:
        """The summary of ``values`` measured at once (hand-made results in tests)."""
        stream = ValueStream(keep)
        stream.pending.extend(np.asarray(values, dtype=np.float64).tolist())
        return stream.summary()


class ValueStream:
    """Values appended one at a time, folded a chunk at a time. A hot caller may append to
    ``pending`` itself and call :meth:`fold` once it holds ``CHUNK_VALUES``; ``fold`` empties
    it in place."""

    __slots__ = ("cells", "count", "high", "kept", "low", "pending", "total")

    def __init__(self, keep: bool = False) -> None:
        self.pending: array[float] = array("d")
        self.count = 0
        self.total = 0
        self.low = math.inf
        self.high = -math.inf
        self.cells = CellHistograms()
        self.kept: array[float] | None = array("d") if keep else None

    def append(self, value: float) -> None:
        self.pending.append(value)
        if len(self.pending) >= CHUNK_VALUES:
            self.fold()

    def fold(self) -> None:
        """Fold the buffered values into the summary and empty the buffer."""
        if not self.pending:
            return
        values = np.frombuffer(self.pending, dtype=np.float64).copy()
        self.count += len(values)
        self.total += exact_sum(values)
        self.low = min(self.low, float(values.min()))
        self.high = max(self.high, float(values.max()))
        self.cells.add(np.zeros(len(values), dtype=np.int64), values)
        if self.kept is not None:
            self.kept.extend(self.pending)
        del self.pending[:]

    def summary(self) -> ValueSummary:
        """What was measured so far (folds the buffer; the stream goes on)."""
        self.fold()
        histogram = self.cells.select(_ALL) if self.count else EMPTY
        samples = (np.frombuffer(self.kept, dtype=np.float64).copy()
                   if self.kept is not None else None)
        return ValueSummary(self.count, self.total, self.low if self.count else math.nan,
                            self.high if self.count else math.nan, histogram, samples)
