"""The tradeoff chart at the top of a report: the strategies on the scenario's objectives.

Two objectives: a scatter, one point per strategy with 95% CI whiskers on both axes and
the Pareto front (strategies no other beats on every objective) joined by a line and
ringed. One objective: a dot plot with whiskers. Why at the top: the reader came with a
question; this chart answers it before any table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from asyncsim.reports.objectives import goals_present
from asyncsim.reports.render.chart_kit import Chart, base_figure, plot_text, strategy_colors
from asyncsim.reports.render.values import key_label, unit_of

SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "triangle-down")


def _entry(summary: Mapping[str, Any], strategy: str, key: str) -> tuple[float, float, float]:
    entry = summary["strategies"][strategy]["values"].get(key) or {}

    def num(name: str) -> float:
        value = entry.get(name)
        return float(value) if isinstance(value, int | float) else math.nan

    return num("mean"), num("ci95_low"), num("ci95_high")


def pareto_front(points: Mapping[str, Sequence[float]], better: Sequence[str]) -> list[str]:
    """Strategies no other strategy matches or beats on every objective, beating on one."""
    sign = [1.0 if b == "lower" else -1.0 for b in better]

    def dominates(a: Sequence[float], b: Sequence[float]) -> bool:
        pairs = [(s * x, s * y) for s, x, y in zip(sign, a, b, strict=True)]
        return all(x <= y for x, y in pairs) and any(x < y for x, y in pairs)

    finite = {s: p for s, p in points.items() if all(math.isfinite(v) for v in p)}
    return [s for s, p in finite.items()
            if not any(dominates(q, p) for o, q in finite.items() if o != s)]


def _axis_title(key: str) -> str:
    unit = unit_of(key)
    shown = {"s": "seconds", "1": "share"}.get(unit, unit)
    return f"{key_label(key)} ({shown})" if shown else key_label(key)


def _whisker(mean: float, low: float, high: float) -> dict[str, Any]:
    ok = math.isfinite(low) and math.isfinite(high)
    return {"type": "data", "array": [high - mean if ok else 0],
            "arrayminus": [mean - low if ok else 0], "visible": ok}


def tradeoff_chart(summary: Mapping[str, Any], order: Sequence[str]) -> Chart | None:
    goals = goals_present(summary)
    names = [s for s in order if s in summary["strategies"]]
    if not goals or len(names) < 2:
        return None
    colors = strategy_colors(order)
    keys = [g["key"] for g in goals[:2]]
    better = [g["better"] for g in goals[:2]]
    points = {s: [_entry(summary, s, k)[0] for k in keys] for s in names}
    front = pareto_front(points, better)
    arrows = " ".join(f"{key_label(k)} {'↓' if b == 'lower' else '↑'}"
                      for k, b in zip(keys, better, strict=True))
    if len(keys) == 1:
        fig = base_figure(_axis_title(keys[0]))
        for index, strategy in enumerate(names):
            mean, low, high = _entry(summary, strategy, keys[0])
            fig.add_trace(go.Scatter(
                x=[plot_text(strategy)], y=[mean], mode="markers", name=plot_text(strategy),
                marker={"color": colors[strategy], "size": 12,
                        "symbol": SYMBOLS[index % len(SYMBOLS)]},
                error_y=_whisker(mean, low, high)))
        note = f"Each strategy's mean with its 95% interval ({arrows}: better)."
        return Chart("tradeoff", "The answer: " + key_label(keys[0]), fig, note)
    fig = base_figure(_axis_title(keys[1]), _axis_title(keys[0]), height=420)
    ordered_front = sorted(front, key=lambda s: points[s][0])
    if len(ordered_front) > 1:
        fig.add_trace(go.Scatter(
            x=[points[s][0] for s in ordered_front], y=[points[s][1] for s in ordered_front],
            mode="lines", name="Pareto front", line={"color": "#8a94a6", "dash": "dot"},
            hoverinfo="skip"))
    for index, strategy in enumerate(names):
        (x, x_low, x_high), (y, y_low, y_high) = (_entry(summary, strategy, k) for k in keys)
        on_front = strategy in front
        fig.add_trace(go.Scatter(
            x=[x], y=[y], mode="markers+text", text=[plot_text(strategy)],
            textposition="top center", name=plot_text(strategy)
            + (" (Pareto front)" if on_front else ""),
            marker={"color": colors[strategy], "size": 14 if on_front else 10,
                    "symbol": SYMBOLS[index % len(SYMBOLS)],
                    "line": {"color": "#111", "width": 2 if on_front else 0}},
            error_x=_whisker(x, x_low, x_high), error_y=_whisker(y, y_low, y_high)))
    note = (f"Each strategy on the first two objectives ({arrows}: better), with 95% "
            "intervals; ringed points are on the Pareto front (no other strategy is at "
            "least as good on both and better on one).")
    return Chart("tradeoff", f"The tradeoff: {key_label(keys[0])} vs {key_label(keys[1])}",
                 fig, note)
