"""The cache-tiers section's charts: per tier of a path with several caches, how many
lookups reached it and what share it answered, a bar per strategy.

They read summary.json's ``tier_lookups`` and ``tier_hit_rate`` (reports/metrics/tiers.py).
Tiers are drawn in path order: the client's stack outermost first, then the hops' caches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from asyncsim.reports.render.chart_kit import Chart, base_figure, plot_text, strategy_colors
from asyncsim.reports.render.graph.service_graph import tagged_means


def tier_order(tier: str) -> tuple[int, str, int]:
    """The client's caches first (no ``->`` in the chain), then hops', by position."""
    chain, _, position = tier.rpartition("/")
    return ("->" in chain, chain, int(position) if position.isdigit() else 0)


def _bars(summary: Mapping[str, Any], order: Sequence[str], name: str, scale: float,
          axis: str) -> Any | None:
    per = {s: tagged_means(summary["strategies"][s]["values"], name) for s in order}
    tiers = sorted({t for values in per.values() for t in values}, key=tier_order)
    if not tiers:
        return None
    colors = strategy_colors(order)
    fig = base_figure(axis, "cache tier (chain/position, along the path)")
    fig.update_layout(barmode="group")
    for strategy in order:
        fig.add_trace(go.Bar(x=[plot_text(t) for t in tiers],
                             y=[per[strategy][t] * scale if t in per[strategy] else None
                                for t in tiers],
                             name=plot_text(strategy), marker_color=colors[strategy]))
    return fig


def cache_tier_charts(summary: Mapping[str, Any], order: Sequence[str]) -> list[Chart]:
    charts = []
    hits = _bars(summary, order, "tier_hit_rate", 100.0, "hit rate (%)")
    if hits is not None:
        hits.update_yaxes(range=[0, 100.5], ticksuffix="%")
        charts.append(Chart("tier-hits", "Hit rate per cache tier", hits,
                            "Share of the lookups reaching each tier that it answered at "
                            "once; a lower tier sees only the misses of the tiers above."))
    lookups = _bars(summary, order, "tier_lookups", 1.0, "lookups per second")
    if lookups is not None:
        charts.append(Chart("tier-lookups", "Lookups reaching each cache tier", lookups,
                            "Requests per second that reached each tier: each tier passes "
                            "down its misses (and revalidations); the last tier's misses "
                            "reach the backend."))
    return charts
