"""Fixed-bin histograms: bin placement, CDF points and merging, checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from asyncsim.reports.distributions import (
    ATTEMPTS_MAX,
    LATENCY_EDGES_S,
    cdf_points,
    log_histogram,
    merge,
    run_distributions,
)
from asyncsim.reports.metrics.registry import RunView
from asyncsim.sim.outcome import Source, Status
from asyncsim.sim.simulation import RunResult

EDGES = np.array([1.0, 10.0, 100.0])


def test_values_land_in_the_documented_bins() -> None:
    # below 1 -> 0; [1, 10) -> 1; [10, 100) -> 2; >= 100 -> 3; NaN ignored
    values = np.array([0.0, 0.5, 1.0, 9.99, 10.0, 99.0, 100.0, 1e9, np.nan])
    assert log_histogram(values, EDGES) == [2.0, 2.0, 2.0, 2.0]


def test_cdf_points_are_shares_below_each_edge() -> None:
    counts = [0.0, 1.0, 3.0, 0.0]  # one value in [1, 10), three in [10, 100)
    x, y = cdf_points(counts, EDGES)
    assert x.tolist() == [1.0, 10.0, 100.0]
    assert y.tolist() == [0.0, 0.25, 1.0]


def test_cdf_starts_at_the_first_edge_when_values_underflow() -> None:
    x, y = cdf_points([2.0, 2.0, 0.0, 0.0], EDGES)
    assert x.tolist() == [1.0, 10.0]
    assert y.tolist() == [0.5, 1.0]


def test_cdf_of_an_overflowing_sample_stops_short_of_one() -> None:
    x, y = cdf_points([0.0, 0.0, 1.0, 1.0], EDGES)
    assert x.tolist() == [10.0, 100.0]
    assert y.tolist() == [0.0, 0.5]


def test_empty_histogram_has_no_cdf() -> None:
    x, y = cdf_points([0.0] * 4, EDGES)
    assert len(x) == 0 and len(y) == 0


def test_merge_adds_counts() -> None:
    assert merge([[1.0, 2.0], [3.0, 4.0]]) == [4.0, 6.0]
    assert merge([]) == []


def test_latency_edges_have_twenty_bins_per_decade() -> None:
    assert LATENCY_EDGES_S[0] == pytest.approx(1e-6)
    assert LATENCY_EDGES_S[20] == pytest.approx(1e-5)
    assert LATENCY_EDGES_S[-1] == pytest.approx(1e4)


def test_run_distributions_count_what_they_say() -> None:
    latency = np.array([0.0, 0.01, 0.2])
    stale = np.array([0.0, 5.0, np.nan])
    attempts = np.array([0, 1, 25], dtype=np.int32)
    status = np.array([Status.OK, Status.OK, Status.TIMEOUT], dtype=np.int8)
    source = np.array([Source.FRESH_HIT, Source.NETWORK, Source.NONE], dtype=np.int8)
    requests = {"t_start_s": np.array([1.0, 2.0, 3.0]), "latency_s": latency,
                "status": status, "source": source, "attempts": attempts,
                "version": np.array([1, 1, -1], dtype=np.int32),
                "stale_s": stale.astype(np.float32)}
    result = RunResult("s", 0, requests, {}, (), 0.05, {}, {}, 0.0, 10.0, 10.0, 0, 0.0, 0.0,
                       changing_data=True)
    d = run_distributions(RunView(result))
    assert sum(d["latency_s"]) == 3 and d["latency_s"][0] == 1      # the 0 s hit underflows
    assert sum(d["staleness_s"]) == 1                                # only the stale delivery
    assert d["attempts"][0] == 1 and d["attempts"][1] == 1 and d["attempts"][ATTEMPTS_MAX] == 1
    assert d["status"][Status.OK] == 2 and d["status"][Status.TIMEOUT] == 1
    assert d["source"][Source.FRESH_HIT] == 1 and d["source"][Source.NONE] == 1
