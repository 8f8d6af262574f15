"""Fixed-bin histograms computed in the worker, so a report can draw distributions.

Why fixed bins: a run's latencies are megabytes, a histogram on fixed log-spaced edges is
a few hundred counts; histograms of replications (and of processes) then merge by adding
counts, with no raw data crossing the process boundary. Twenty bins per decade resolve a
percentile to about 12% of its value, which is finer than a chart shows.

Layout of a histogram made by :func:`log_histogram` on ``edges`` (``len(edges) + 1`` counts):
index 0 counts values below ``edges[0]`` (zero latencies of cache hits land there), index
``i`` counts ``edges[i-1] <= v < edges[i]``, the last index counts ``v >= edges[-1]``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from asyncsim.reports.metrics.registry import RunView

BINS_PER_DECADE = 20
LATENCY_EDGES_S = np.logspace(-6, 4, 10 * BINS_PER_DECADE + 1)
"""1 µs to 10 000 s: below is 'immediate' (a cache hit costs no simulated time)."""
STALENESS_EDGES_S = np.logspace(-3, 5, 8 * BINS_PER_DECADE + 1)
"""1 ms to 100 000 s of having been superseded."""
ATTEMPTS_MAX = 10
"""Attempts counts are kept exactly up to this; the last bin holds this many or more."""


def log_histogram(values: np.ndarray, edges: np.ndarray,
                  weights: np.ndarray | None = None) -> list[float]:
    """Counts of ``values`` (each counted ``weights`` times, if given) per bin of ``edges``
    (under- and overflow bins included); NaN values are left out."""
    keep = ~np.isnan(values) if values.dtype.kind == "f" else np.ones(len(values), bool)
    index = np.searchsorted(edges, values[keep], side="right")
    counts: list[float] = np.bincount(
        index, weights=None if weights is None else weights[keep].astype(float),
        minlength=len(edges) + 1).astype(float).tolist()
    return counts


def run_distributions(view: RunView) -> dict[str, list[float]]:
    """The histograms of one run's measured requests, from its summaries.

    Latency and staleness are re-binned from the run's log-bucketed histograms (each bucket
    at its value, within 0.1% of its requests' values: a request that close to a fixed
    edge may land in the bin beside it). ``staleness_s`` counts only deliveries that were
    stale (``stale_s > 0``); how many were stale at all is the ``stale_rate`` metric's job.
    """
    latency = view.latency().histogram
    stale = view.staleness().histogram
    positive = stale.values() > 0
    attempts = view.summaries.attempt_counts
    return {
        "latency_s": log_histogram(latency.values(), LATENCY_EDGES_S, latency.counts),
        "staleness_s": log_histogram(stale.values()[positive], STALENESS_EDGES_S,
                                     stale.counts[positive]),
        "attempts": [*attempts[:ATTEMPTS_MAX].astype(float).tolist(),
                     float(attempts[ATTEMPTS_MAX:].sum())],
        "status": view.by_status.astype(float).tolist(),
        "source": view.by_source.astype(float).tolist(),
    }


def cdf_points(counts: Sequence[float] | np.ndarray,
               edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x, F(x)) at each finite upper bin edge: the share of values below that edge.

    Points are kept from the first bin holding values to the last, so a CDF starts where
    the data starts; an overflow bin shows as the curve not reaching 1.
    """
    counts_array = np.asarray(counts, dtype=float)
    total = counts_array.sum()
    if total == 0:
        return np.array([]), np.array([])
    cumulative = np.cumsum(counts_array[:-1]) / total     # at edges[0], edges[1], ...
    nonzero = np.flatnonzero(counts_array)
    first = max(int(nonzero[0]) - 1, 0)
    last = min(int(nonzero[-1]), len(edges) - 1)
    return edges[first:last + 1], cumulative[first:last + 1]


def merge(histograms: Sequence[Sequence[float]]) -> list[float]:
    """Counts added bin by bin (replications of one strategy)."""
    if not histograms:
        return []
    total: list[float] = np.sum(np.asarray(histograms, dtype=float), axis=0).tolist()
    return total
