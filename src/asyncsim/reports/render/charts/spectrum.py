"""The percentile spectrum: latency by percentile, as HdrHistogram plots draw it.

Why ``1 / (1 − p)`` on a log x-axis: the tail gets the room. 0%, 90%, 99%, 99.9%... are
equally spaced, so a p99.9 twice the p99 shows as a steep step at the right, where a CDF
would squeeze it against 100%. Each line is a strategy's measured requests, replications
merged into one histogram (pooled percentiles, within the histograms' relative error);
a line stops where its sample runs out (past ``1 − 1/n`` every percentile is the maximum).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from asyncsim.reports.render.chart_kit import Chart, base_figure, log_axis, plot_text
from asyncsim.sim.measure.histogram import RELATIVE_ERROR, Histogram

MAX_NINES = 5
"""The axis runs from 0% to 99.999% (five nines)."""
POINTS_PER_NINE = 40


def spectrum_points(histogram: Histogram) -> tuple[np.ndarray, np.ndarray]:
    """(x = 1 / (1 − p), latency at percentile p) from p = 0 to the last percentile the
    sample resolves, at most 99.999%."""
    n = histogram.total
    if n == 0:
        return np.array([]), np.array([])
    top = min(float(MAX_NINES), np.log10(max(n, 1)))
    x = np.logspace(0.0, top, max(2, int(top * POINTS_PER_NINE) + 1))
    percentiles = (1.0 - 1.0 / x) * 100.0
    return x, np.array(histogram.percentiles(percentiles.tolist()))


def nines_label(x: float) -> str:
    """The percentile at ``x = 1 / (1 − p)``: 1 -> 0%, 10 -> 90%, 1000 -> 99.9%."""
    nines = round(float(np.log10(x)))
    return f"{100.0 * (1.0 - 1.0 / x):.{max(nines - 2, 0)}f}%"


def spectrum_chart(histograms: Mapping[str, Histogram | None], order: Sequence[str],
                   colors: Mapping[str, str]) -> Chart | None:
    fig = base_figure("latency (s), log scale", "percentile")
    for strategy in order:
        histogram = histograms.get(strategy)
        if histogram is None:
            continue
        x, y = spectrum_points(histogram)
        if len(x) == 0:
            continue
        fig.add_scatter(x=x, y=y, mode="lines", name=plot_text(strategy),
                        line={"color": colors.get(strategy), "width": 2},
                        hovertemplate="p%{customdata:.4g}: %{y:.4s}s",
                        customdata=(1.0 - 1.0 / x) * 100)
    if not fig.data:
        return None
    ticks = [10.0 ** k for k in range(MAX_NINES + 1)]
    fig.update_xaxes(type="log", tickmode="array", tickvals=ticks,
                     ticktext=[nines_label(t) for t in ticks], range=[0, MAX_NINES])
    if any(v > 0 for trace in fig.data for v in trace.y):
        log_axis(fig, "y")
    return Chart("latency-spectrum", "Latency by percentile", fig,
                 "Latency at each percentile of the measured requests, replications pooled; "
                 "the x-axis spreads the tail (each step right is one more nine). Percentiles "
                 f"come from histograms, within {RELATIVE_ERROR:.1%} of the exact values.")
