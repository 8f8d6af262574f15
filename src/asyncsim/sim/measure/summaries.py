"""A run's measurements as mergeable summaries: counters and histograms per time bin and tag.

Why time bins whose edges are known before the run: every window a metric looks at is a
union of bins, so counts in it are exact. The edges are the series' bins, the warm-up and
the end of the run, each fault's start and end, the recovery analysis's grid after each
fault (reports/metrics/recovery.py), the start of the ``goodput_end`` tail, and the
instants an early-stop check may end the run at (with their tails).

What is kept, per run (``c``: request class, ``b``: time bin of the start):

- ``counts[c, b, status, source]``: requests (exact);
- ``attempts[b]``: backend attempts of the requests started in ``b`` (exact);
- ``latency``: a latency histogram per (c, b), with the relative error of
  sim/measure/histogram.py; exact sums (for means), minimum and maximum per (c, measured);
- ``stale``: the staleness of deliveries (requests that got a version), per measured or
  not, with its exact sum, extremes and count of stale ones;
- ``short_circuit_last_s[b]``: the last start of a short-circuited request in ``b``;
- ``done_ok``: successful requests per series bin of the time they were answered;
- ``attempt_counts``: measured requests by attempts (for a chart).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from asyncsim.sim.measure.histogram import (
    BUCKET_SPAN,
    ZERO_BUCKET,
    CellHistograms,
    Histogram,
    exact_sum,
)
from asyncsim.sim.outcome import Source, Status

TAIL_SHARE = 0.1
"""``goodput_end`` looks at the requests started in this last share of the measured time."""
ATTEMPTS_KEPT = 64
"""Requests are counted by attempts exactly up to this; more count here."""
Columns = dict[str, np.ndarray]


def recovery_grid(from_s: float, end_s: float, step_s: float, hold_s: float) -> list[float]:
    """The instants ``t`` the recovery analysis tries after a fault's end: windows
    ``[t, t + hold)`` that fit in the run. One definition for the bins and the analysis,
    so their floats are the same."""
    grid = []
    step = 0
    while (t := from_s + step * step_s) + hold_s <= end_s * (1 + 1e-12):
        grid.append(t)
        step += 1
    return grid


def bin_edges(warmup_s: float, duration_s: float, series_bin_s: float, series_bins: int,
              faults: Iterable[tuple[float, float]], recovery_step_s: float,
              recovery_hold_s: float, stop_every_s: float | None = None) -> np.ndarray:
    """Left edges of the time bins (the last bin is open-ended), sorted and distinct."""
    edges = {0.0, warmup_s, duration_s}
    edges.update(k * series_bin_s for k in range(series_bins + 1))
    ends = [duration_s]   # where the measured window may end: the run's end, or a stop check
    k = 1
    while stop_every_s is not None and (stop := warmup_s + k * stop_every_s) < duration_s:
        ends.append(stop)
        k += 1
    for end in ends:
        edges.update((end, end - (end - warmup_s) * TAIL_SHARE))
    for start, stop in faults:
        edges.update((start, stop, max(start, warmup_s), min(stop, duration_s)))
        for t in recovery_grid(stop, duration_s, recovery_step_s, recovery_hold_s):
            edges.update((t, t + recovery_hold_s))
    return np.array(sorted(e for e in edges if e >= 0.0 and math.isfinite(e)))


class Summaries:
    """Streaming summaries of one run's requests (see the module docstring)."""

    def __init__(self, edges_s: np.ndarray, warmup_s: float, series_bin_s: float,
                 series_bins: int, recovery_grid_s: tuple[float, float],
                 track_staleness: bool = True) -> None:
        self.edges_s = edges_s
        self.track_staleness = track_staleness
        """Whether deliveries' staleness is kept (off when no data changes: it is 0)."""
        self.recovery_grid_s = recovery_grid_s
        """The (step, hold) whose windows are edges: an analysis on another grid is not
        exact on these bins."""
        self.warmup_s = warmup_s
        self.warmup_bin = int(np.searchsorted(edges_s, warmup_s, side="left"))
        self.series_bin_s = series_bin_s
        self.series_bins = series_bins
        bins = len(edges_s)
        self.classes = 0
        self.counts = np.zeros((0, bins, len(Status), len(Source)), dtype=np.int64)
        self.attempts = np.zeros(bins, dtype=np.int64)
        self.attempt_counts = np.zeros(ATTEMPTS_KEPT + 1, dtype=np.int64)
        self.short_circuit_last_s = np.full(bins, -math.inf)
        self.latency = CellHistograms()
        self.latency_sum: list[list[int]] = []          # [class][measured]
        self.latency_min = np.zeros((0, 2))
        self.latency_max = np.zeros((0, 2))
        self.stale = CellHistograms()                   # cell: measured (0 or 1)
        self.stale_sum = [0, 0]
        self.stale_positive = [0, 0]
        self.stale_min = np.full(2, math.inf)
        self.stale_max = np.full(2, -math.inf)
        self.done_ok = np.zeros(series_bins, dtype=np.int64)
        self._by_bin: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def bins(self) -> int:
        return len(self.edges_s)

    def bin_of(self, t_s: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.edges_s, t_s, side="right").astype(np.int64) - 1

    def _grow(self, classes: int) -> None:
        extra = classes - self.classes
        self.counts = np.concatenate(
            [self.counts, np.zeros((extra, *self.counts.shape[1:]), dtype=np.int64)])
        self.latency_sum += [[0, 0] for _ in range(extra)]
        self.latency_min = np.concatenate([self.latency_min, np.full((extra, 2), math.inf)])
        self.latency_max = np.concatenate([self.latency_max, np.full((extra, 2), -math.inf)])
        self.classes = classes

    def add(self, columns: Columns) -> None:
        """Fold a chunk of request rows (the columns of sim/record.py's RequestLog) in."""
        starts = columns["t_start_s"]
        if len(starts) == 0:
            return
        self._by_bin = None
        latency = columns["latency_s"]
        status = columns["status"].astype(np.int64)
        source = columns["source"].astype(np.int64)
        classes = columns["request_class"].astype(np.int64)
        attempts = columns["attempts"].astype(np.int64)
        bins = self.bin_of(starts)
        measured = bins >= self.warmup_bin
        if int(classes.max()) + 1 > self.classes:
            self._grow(int(classes.max()) + 1)
        n_bins = self.bins
        flat = ((classes * n_bins + bins) * len(Status) + status) * len(Source) + source
        if self.counts.size <= 4 * len(flat):
            self.counts.reshape(-1)[:] += np.bincount(flat, minlength=self.counts.size)
        else:
            keys, counts = np.unique(flat, return_counts=True)
            self.counts.reshape(-1)[keys] += counts
        self.attempts += np.bincount(bins, weights=attempts, minlength=n_bins).astype(np.int64)
        self.attempt_counts += np.bincount(np.clip(attempts[measured], 0, ATTEMPTS_KEPT),
                                           minlength=ATTEMPTS_KEPT + 1)
        refused = status == int(Status.SHORT_CIRCUITED)
        if refused.any():
            np.maximum.at(self.short_circuit_last_s, bins[refused], starts[refused])
        self.latency.add(classes * n_bins + bins, latency)
        groups = classes * 2 + measured
        first, last = int(groups.min()), int(groups.max())
        for group in range(first, last + 1):
            part = latency if first == last else latency[groups == group]
            if len(part):
                c, m = divmod(group, 2)
                self.latency_sum[c][m] += exact_sum(part)
                self.latency_min[c, m] = min(self.latency_min[c, m], float(part.min()))
                self.latency_max[c, m] = max(self.latency_max[c, m], float(part.max()))
        if self.track_staleness:
            self._add_stale(columns["version"] >= 0, columns["stale_s"], measured)
        ok = status == int(Status.OK)
        done = (starts[ok] + latency[ok]) / self.series_bin_s
        self.done_ok += np.bincount(done[done < self.series_bins].astype(np.int64),
                                    minlength=self.series_bins)

    def _add_stale(self, delivered: np.ndarray, stale_s: np.ndarray,
                   measured: np.ndarray) -> None:
        values = stale_s[delivered].astype(np.float64)
        cells = measured[delivered].astype(np.int64)
        self.stale.add(cells, values)
        for m in (0, 1):
            part = values[cells == m]
            if len(part):
                self.stale_sum[m] += exact_sum(part)
                self.stale_positive[m] += int(np.count_nonzero(part > 0))
                self.stale_min[m] = min(self.stale_min[m], float(part.min()))
                self.stale_max[m] = max(self.stale_max[m], float(part.max()))

    def copy(self) -> Summaries:
        """A copy to fold a pending chunk into without touching this one (a check during
        the run must not change where chunks split)."""
        other = Summaries.__new__(Summaries)
        other.__dict__.update(self.__dict__)
        for name in ("counts", "attempts", "attempt_counts", "short_circuit_last_s",
                     "latency_min", "latency_max", "stale_min", "stale_max", "done_ok"):
            setattr(other, name, getattr(self, name).copy())
        other.latency_sum = [list(s) for s in self.latency_sum]
        other.stale_sum = list(self.stale_sum)
        other.stale_positive = list(self.stale_positive)
        other.latency = self.latency.copy()
        other.stale = self.stale.copy()
        return other

    def window_latency(self, first_bin: int, end_bin: int) -> Histogram:
        """The latency histogram of every class's requests started in bins
        ``first_bin .. end_bin - 1`` (a window of the series or of the recovery grid)."""
        if self._by_bin is None:
            keys = self.latency.keys
            cell, bucket = keys // BUCKET_SPAN, keys % BUCKET_SPAN
            combined, inverse = np.unique((cell % self.bins) * BUCKET_SPAN + bucket,
                                          return_inverse=True)
            total = np.zeros(len(combined), dtype=np.int64)
            np.add.at(total, inverse, self.latency.counts)
            self._by_bin = (combined, total)
        combined, total = self._by_bin
        lo, hi = np.searchsorted(combined, (first_bin * BUCKET_SPAN, end_bin * BUCKET_SPAN))
        buckets, inverse = np.unique(combined[lo:hi] % BUCKET_SPAN, return_inverse=True)
        counts = np.zeros(len(buckets), dtype=np.int64)
        np.add.at(counts, inverse, total[lo:hi])
        return Histogram(buckets + ZERO_BUCKET, counts)

    def latency_histogram(self, bins: np.ndarray, request_class: int | None = None
                          ) -> Histogram:
        """The latency histogram of the requests started in the bins selected by ``bins``
        (a boolean mask over bins), of one class or all."""
        classes = range(self.classes) if request_class is None else [request_class]
        cells = np.zeros(max(self.classes, 1) * self.bins, dtype=bool)
        for c in classes:
            cells[c * self.bins:(c + 1) * self.bins] = bins
        return self.latency.select(cells)

    def stale_histogram(self) -> Histogram:
        """Staleness of the measured deliveries."""
        return self.stale.select(np.array([False, True]))
