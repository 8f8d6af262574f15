"""The service-graph section's charts: a picture of the graph per strategy (nodes the
client and the backends, arrows the edges with calls/s and calls per user request) and
where each calling backend's time goes (a stacked bar per strategy).

Both read only summary.json's values (``edge_calls``, ``edge_amplification``,
``time_split``, reports/metrics/graph.py), so the picture shows the numbers the table does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.render.chart_kit import Chart, base_figure, plot_text, strategy_colors
from asyncsim.reports.render.report_data import finite
from asyncsim.reports.render.values import format_number

CLIENT = "client"
PART_COLORS = ("#6c8893", "#2f6fdf", "#e8743b", "#19a979", "#945ecf", "#d6336c", "#13a4b4",
               "#b58900")


def tagged_means(values: Mapping[str, Any], name: str) -> dict[str, float]:
    """Tag value -> mean of the values ``name{tag:...}`` (no statistic)."""
    out = {}
    for key, entry in values.items():
        parsed = ValueKey.parse(key)
        if parsed.name == name and parsed.stat is None and parsed.tag_value is not None:
            out[parsed.tag_value] = finite(entry.get("mean"))
    return out


def edges_of(values: Mapping[str, Any]) -> dict[tuple[str, str], tuple[float, float]]:
    """(caller, callee) -> (calls/s, calls per user request), a caller's several hops to
    one callee (``api->db``, ``api->db#1.0``) added together."""
    rates = tagged_means(values, "edge_calls")
    amplification = tagged_means(values, "edge_amplification")
    edges: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for edge, rate in rates.items():
        caller, _, callee = edge.partition("->")
        pair = edges[caller, callee.partition("#")[0]]
        pair[0] += rate
        pair[1] += amplification.get(edge, 0.0)
    return {pair: (v[0], v[1]) for pair, v in sorted(edges.items())}


def layout(edges: Sequence[tuple[str, str]]) -> dict[str, tuple[float, float]]:
    """Node -> (x, y): x the longest path from the client (tiers left to right), y spread
    evenly within a tier in name order."""
    depth = {CLIENT: 0}
    for _ in range(len(edges) + 1):       # longest paths in a DAG, by relaxation
        for caller, callee in edges:
            if caller in depth and depth.get(callee, -1) < depth[caller] + 1:
                depth[callee] = depth[caller] + 1
    tiers: dict[int, list[str]] = defaultdict(list)
    for node, level in sorted(depth.items(), key=lambda item: (item[1], item[0])):
        tiers[level].append(node)
    return {node: (float(level), (len(nodes) - 1) / 2 - i)
            for level, nodes in tiers.items() for i, node in enumerate(nodes)}


def graph_picture(summary: Mapping[str, Any], strategy: str, index: int, color: str,
                  replicas: Mapping[str, int]) -> Chart | None:
    """One strategy's graph: a node per backend (its replicas), an arrow per edge with its
    calls/s and calls per user request."""
    values = summary["strategies"][strategy]["values"]
    edges = edges_of(values)
    if not edges:
        return None
    where = layout(list(edges))
    fig = base_figure("", height=140 + 70 * max(2, len({y for _, y in where.values()})))
    for (caller, callee), (rate, amplification) in edges.items():
        if caller not in where or callee not in where:
            continue
        (x0, y0), (x1, y1) = where[caller], where[callee]
        width = 1.5 + min(4.0, amplification)
        fig.add_annotation(x=x1 - 0.12, y=y1, ax=x0 + 0.12, ay=y0, xref="x", yref="y",
                           axref="x", ayref="y", showarrow=True, arrowhead=3,
                           arrowsize=2.4 / width, arrowwidth=width, arrowcolor=color,
                           text="")  # the head's size is relative to the width: keep it even
        fig.add_annotation(x=(x0 + x1) / 2, y=(y0 + y1) / 2 + 0.12, showarrow=False,
                           text=plot_text(f"{format_number(rate, 'calls/s')} · "
                                          f"{format_number(amplification, '')}×/req"),
                           font={"size": 11}, bgcolor="rgba(255,255,255,0.85)")
    names = list(where)
    labels = [plot_text(n if replicas.get(n, 1) <= 1 else f"{n} ×{replicas[n]}")
              for n in names]
    fig.add_trace(go.Scatter(
        x=[where[n][0] for n in names], y=[where[n][1] for n in names], mode="markers+text",
        text=labels, textposition="bottom center", showlegend=False, hoverinfo="text",
        marker={"size": 26, "color": ["#ffffff" if n == CLIENT else color for n in names],
                "line": {"color": "#1f2430", "width": 1.5}, "symbol": [
                    "circle" if n == CLIENT else "square" for n in names]}))
    fig.update_xaxes(visible=False, range=[-0.4, max(x for x, _ in where.values()) + 0.4])
    fig.update_yaxes(visible=False, range=[min(y for _, y in where.values()) - 0.6,
                                           max(y for _, y in where.values()) + 0.6])
    return Chart(f"graph-{index}", f"Service graph · {strategy}", fig,
                 "Arrows: calls per second down each edge, and calls per user request "
                 "(amplification: retries, hedges and fan-out leaves of every tier above "
                 "multiplied in); a thicker arrow carries more calls per request.")


def time_split_charts(summary: Mapping[str, Any], order: Sequence[str]) -> list[Chart]:
    """Per backend with calls, a stacked bar per strategy: its own time and the wait on
    each step, mean per call (they add up to the backend's mean latency)."""
    parts: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for strategy in order:
        for part, mean in tagged_means(summary["strategies"][strategy]["values"],
                                  "time_split").items():
            backend = part[:-len(":own")] if part.endswith(":own") else part.partition("->")[0]
            parts[backend][part][strategy] = mean
    charts: list[Chart] = []
    for backend, by_part in sorted(parts.items()):
        fig = base_figure("", "mean time per call (s)", height=120 + 44 * len(order))
        fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
        names = [plot_text(s) for s in order]
        ordered = sorted(by_part, key=lambda p: (not p.endswith(":own"), p))
        for i, part in enumerate(ordered):
            label = "own work and queueing" if part.endswith(":own") else f"waiting on {part}"
            fig.add_trace(go.Bar(y=names, x=[by_part[part].get(s, 0.0) for s in order],
                                 orientation="h", name=plot_text(label),
                                 marker_color=PART_COLORS[i % len(PART_COLORS)]))
        fig.update_yaxes(autorange="reversed")
        fig.update_xaxes(ticksuffix="s", exponentformat="SI", rangemode="tozero")
        charts.append(Chart(f"time-split-{len(charts)}", f"Where a call to {backend} spends its "
                            "time", fig, f"Mean per call to {backend}: its own work (and "
                            "queueing), then the wait on each of its steps; the bar's length "
                            f"is backend_latency{{backend:{backend}}}.avg."))
    return charts


def service_graph_charts(summary: Mapping[str, Any], order: Sequence[str],
                         replicas: Mapping[str, Mapping[str, int]]) -> list[Chart]:
    """The section's charts: a graph picture per strategy (with its own replica counts),
    then the time splits."""
    colors = strategy_colors(order)
    pictures = [graph_picture(summary, s, i, colors[s], replicas.get(s, {}))
                for i, s in enumerate(order)]
    return [c for c in pictures if c is not None] + time_split_charts(summary, order)
