"""QQ points of a fit, and a self-contained HTML page showing them (plotly, inlined)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from asyncsim.calibrate.families import Fitted
from asyncsim.calibrate.fit import FitResult


def qq_points(samples_s: np.ndarray, fitted: Fitted,
              points: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """(fitted quantiles, observed quantiles) at ``points`` evenly spaced probabilities;
    on the diagonal where the fit is right."""
    q = (np.arange(points) + 0.5) / points
    return fitted.ppf(q), np.quantile(np.asarray(samples_s, dtype=float), q)


def qq_html(result: FitResult, samples_s: np.ndarray, path: Path) -> Path:
    """Write one page with a QQ panel per candidate (milliseconds, log axes): the tails,
    where latency fits go wrong, are what a QQ plot shows and a KS distance hides."""
    import plotly.graph_objects as go  # only this page needs plotly

    figure = go.Figure()
    high = 0.0
    for c in result.ranked:
        model, observed = qq_points(samples_s, c)
        high = max(high, float(np.nanmax(model)), float(np.max(observed)))
        figure.add_trace(go.Scatter(x=model * 1e3, y=observed * 1e3, mode="markers",
                                    name=f"{c.family} ({c.distance:.3g})",
                                    visible=True if c is result.best else "legendonly"))
    low = max(float(np.min(samples_s[samples_s > 0])) if (samples_s > 0).any() else 1e-6, 1e-6)
    figure.add_trace(go.Scatter(x=[low * 1e3, high * 1e3], y=[low * 1e3, high * 1e3],
                                mode="lines", name="y = x", line={"dash": "dot"}))
    figure.update_layout(title=f"QQ plot: {result.source} ({result.n} samples; best "
                               f"{result.best.family})",
                         xaxis={"title": "fitted quantile (ms)", "type": "log"},
                         yaxis={"title": "observed quantile (ms)", "type": "log"})
    path.write_text(figure.to_html(include_plotlyjs=True, full_html=True), encoding="utf-8")
    return path
