"""The percentile spectrum chart: x = 1 / (1 − p) from 0% to 99.999%, one line per
strategy, each stopping where its sample runs out."""

from __future__ import annotations

import numpy as np

from asyncsim.reports.render.charts.spectrum import nines_label, spectrum_chart, spectrum_points
from asyncsim.sim.measure.histogram import RELATIVE_ERROR, CellHistograms, Histogram


def histogram_of(values: np.ndarray) -> Histogram:
    cells = CellHistograms()
    cells.add(np.zeros(len(values), dtype=np.int64), values)
    return cells.select(np.array([True]))


def test_ticks_read_as_nines() -> None:
    assert [nines_label(10.0 ** k) for k in range(6)] == [
        "0%", "90%", "99%", "99.9%", "99.99%", "99.999%"]


def test_points_run_from_the_minimum_to_the_sample_tail() -> None:
    values = np.arange(1, 1001, dtype=float) / 1000   # 1 ms .. 1 s, 1000 values
    x, y = spectrum_points(histogram_of(values))
    assert x[0] == 1.0 and x[-1] == np.float64(1000.0)   # 1000 values: three nines at most
    assert abs(y[0] - 0.001) <= RELATIVE_ERROR * 0.001     # p0 is the minimum
    assert np.all(np.diff(y) >= 0)
    # x = 10 is p90: numpy's p90 of 1..1000 ms is 900.1 ms
    at_p90 = y[np.argmin(np.abs(x - 10.0))]
    assert abs(at_p90 - 0.9001) <= RELATIVE_ERROR * 0.9001 + 1e-3


def test_one_line_per_strategy_with_data_and_none_without() -> None:
    data = {"a": histogram_of(np.array([0.1, 0.2])), "b": histogram_of(np.array([]))}
    chart = spectrum_chart({**data, "c": None}, ["a", "b", "c"], {"a": "#000"})
    assert chart is not None and [t.name for t in chart.figure.data] == ["a"]
    assert chart.figure.layout.xaxis.type == "log"
    assert spectrum_chart({"b": data["b"]}, ["b"], {}) is None
