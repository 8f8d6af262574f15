"""What every chart of every report shares: the Chart type, colours, axes, shading.

Conventions every chart keeps, so a reader learns them once: each strategy has one colour
everywhere (its position in the scenario), axis titles carry units, time runs over the
whole run with the warm-up shaded grey and fault windows shaded red. Strings from the
scenario go through :func:`plot_text`, because plotly reads a small HTML subset in text.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

import plotly.graph_objects as go
import plotly.io as pio

from asyncsim.reports.render.report_data import FaultWindow
from asyncsim.reports.render.values import log_ticks
from asyncsim.sim.outcome import Source, Status

PALETTE = ("#2f6fdf", "#e8743b", "#19a979", "#d6336c", "#945ecf", "#13a4b4", "#b58900",
           "#525df4", "#bf399e", "#6c8893")
"""Strategy colours, by position in the scenario (distinct in colour-blind simulations
for the first six; more strategies than colours reuse them in order)."""
STATUS_COLORS = {Status.OK: "#19a979", Status.ERROR: "#d6336c", Status.TIMEOUT: "#e8743b",
                 Status.REJECTED: "#945ecf", Status.SHORT_CIRCUITED: "#6c8893",
                 Status.FALLBACK: "#13a4b4"}
SOURCE_COLORS = {Source.FRESH_HIT: "#19a979", Source.STALE_HIT: "#b58900",
                 Source.COALESCED: "#13a4b4", Source.NETWORK: "#2f6fdf",
                 Source.FALLBACK: "#945ecf", Source.NONE: "#c7ccd4"}
SOURCE_LABELS = {Source.FRESH_HIT: "fresh hit", Source.STALE_HIT: "stale hit",
                 Source.COALESCED: "coalesced", Source.NETWORK: "from the backend",
                 Source.FALLBACK: "fallback", Source.NONE: "nothing delivered"}
PERCENTILES = (("p50", "latency.med"), ("p90", "latency.p(90)"), ("p99", "latency.p(99)"),
               ("p99.9", "latency.p(99.9)"))
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    figure: Any
    note: str = ""
    """One sentence under the chart: how to read it (plain text, escaped by the page)."""
    quiet: bool = False
    """Says only "nothing happened" (every line at 0, amplification 1 everywhere, every
    request ok): hidden until the page's "show all"."""


def flat_zero(fig: Any) -> bool:
    """Every value every trace draws (y, or x of a horizontal bar) is 0 or missing."""
    for trace in fig.data:
        values = trace.x if getattr(trace, "orientation", None) == "h" else trace.y
        for v in () if values is None else values:
            if isinstance(v, int | float) and math.isfinite(v) and v != 0:
                return False
    return True


def plot_text(text: str) -> str:
    """A scenario string made safe for plotly text: its HTML subset shows as literal text."""
    return html.escape(text, quote=False)


def strategy_colors(order: Sequence[str]) -> dict[str, str]:
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(order)}


def base_figure(y_title: str, x_title: str = "", height: int = 360) -> Any:
    # One constructor call: plotly validates a figure built at once about seven times
    # faster than one updated after (update_layout took 10 of the 12 ms here). An empty
    # template here, ours when the chart is written (figure_json): plotly validates a
    # template on every figure that gets one, about 80 ms each.
    return go.Figure(layout={
        "template": {}, "height": height, "font": {"family": _FONT, "size": 12},
        "margin": {"l": 64, "r": 16, "t": 36, "b": 48},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "xaxis": {"title": {"text": x_title}}, "yaxis": {"title": {"text": y_title}}})


@cache
def _template_json() -> dict[str, Any]:
    return cast("dict[str, Any]", pio.templates["plotly_white"].to_plotly_json())


def figure_json(fig: Any) -> dict[str, Any]:
    """``fig`` as plotly.js reads it, in the report's template (plotly_white): what the
    HTML and PNG writers pass to plotly with ``validate=False``, the figure having been
    validated as it was built."""
    data = cast("dict[str, Any]", fig.to_plotly_json())
    data["layout"] = {**data.get("layout", {}), "template": _template_json()}
    return data


def seconds_axis(axis: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """An axis in seconds shown with SI prefixes: 300ms, 2s, 40µs."""
    return {"ticksuffix": "s", "exponentformat": "SI", **(axis or {})}


def log_axis(fig: Any, axis: str = "x", unit: str = "s") -> None:
    """Make ``axis`` of ``fig`` logarithmic with our tick labels (see values.log_ticks),
    over the positive values its traces draw on that axis."""
    values = [float(v) for trace in fig.data
              for v in (() if getattr(trace, axis, None) is None else getattr(trace, axis))
              if isinstance(v, int | float) and math.isfinite(v) and v > 0]
    update = fig.update_xaxes if axis == "x" else fig.update_yaxes
    if not values:
        update(type="log")
        return
    tickvals, ticktext = log_ticks(min(values), max(values), unit)
    update(type="log", tickmode="array", tickvals=tickvals, ticktext=ticktext)


def shade_time(fig: Any, warmup_s: float, faults: Sequence[FaultWindow]) -> None:
    """Grey warm-up and red fault windows on a time axis, each labelled, on every subplot.

    What ``fig.add_vrect`` draws (a rect spanning each subplot's height and a label at its
    top left), written as layout entries at once: add_vrect took about 70 ms a window
    (it walks and validates every subplot), and a report shades dozens of windows."""
    shapes, notes = time_shading(warmup_s, faults, _subplot_axes(fig))
    if shapes:
        fig.update_layout(shapes=list(fig.layout.shapes) + shapes,
                          annotations=list(fig.layout.annotations) + notes)


def time_shading(warmup_s: float, faults: Sequence[FaultWindow],
                 axes: Sequence[tuple[str, str]]) -> tuple[list[dict[str, Any]],
                                                           list[dict[str, Any]]]:
    """The shapes and labels :func:`shade_time` adds, on the subplots ``axes`` names
    ((x, y) axis references), for a figure built at once."""
    windows = []
    if warmup_s > 0:
        windows.append((0.0, warmup_s, "#8a94a6", 0.12, "warm-up", "#5b6577"))
    for fault in faults:
        label = " ".join(p for p in (fault.kind.replace("_", " "), fault.detail) if p)
        windows.append((fault.start_s, fault.end_s, "#e03131", 0.10,
                        plot_text(f"{label} ({fault.backend})"), "#b02525"))
    shapes, notes = [], []
    for x0, x1, fill, opacity, text, text_color in windows:
        for x, y in axes:
            shapes.append({"type": "rect", "xref": x, "yref": f"{y} domain", "x0": x0,
                           "x1": x1, "y0": 0, "y1": 1, "fillcolor": fill,
                           "opacity": opacity, "line": {"width": 0}})
            notes.append({"text": text, "showarrow": False, "x": x0, "xref": x,
                          "xanchor": "left", "y": 1, "yref": f"{y} domain",
                          "yanchor": "top", "font": {"color": text_color, "size": 11}})
    return shapes, notes


def _subplot_axes(fig: Any) -> list[tuple[str, str]]:
    """The (x, y) axis references of the subplots add_vrect would shade, in plotly's grid
    order: ("x", "y") for a figure made without ``make_subplots``; else each subplot
    that already holds a trace, shape, annotation or image on exactly those axes (plotly's
    ``exclude_empty_subplots``)."""
    grid = getattr(fig, "_grid_ref", None)
    if not grid:
        return [("x", "y")]
    used = {(trace.xaxis or "x", trace.yaxis or "y") for trace in fig.data}
    for kind in ("shapes", "annotations", "images"):
        used |= {(item.xref or "x", item.yref or "y") for item in fig.layout[kind]}
    axes = [(ref.trace_kwargs["xaxis"], ref.trace_kwargs["yaxis"])
            for row in grid for cell in row if cell for ref in cell[:1]]
    return [pair for pair in axes if pair in used]
