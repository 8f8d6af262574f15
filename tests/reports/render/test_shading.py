"""Time shading draws what plotly's own ``add_vrect`` draws, on every subplot."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from asyncsim.reports.render.chart_kit import plot_text, shade_time
from asyncsim.reports.render.report_data import FaultWindow

FAULT = FaultWindow(backend="api", kind="slowdown", start_s=40.0, end_s=70.0, detail="x4")


def _plain() -> Any:
    return go.Figure(go.Scatter(x=[0, 100], y=[1, 2]))


def _two_rows() -> Any:
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True)
    fig.add_trace(go.Scatter(x=[0, 100], y=[1, 2]), row=1, col=1)
    fig.add_trace(go.Scatter(x=[0, 100], y=[3, 4]), row=2, col=1)
    return fig


def _second_row_empty() -> Any:
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True)
    fig.add_trace(go.Scatter(x=[0, 100], y=[1, 2]), row=1, col=1)
    return fig


def _with_add_vrect(fig: Any) -> Any:
    fig.add_vrect(x0=0, x1=30.0, fillcolor="#8a94a6", opacity=0.12, line_width=0,
                  annotation_text="warm-up", annotation_position="top left",
                  annotation_font_color="#5b6577", annotation_font_size=11)
    fig.add_vrect(x0=40.0, x1=70.0, fillcolor="#e03131", opacity=0.10, line_width=0,
                  annotation_text=plot_text("slowdown x4 (api)"),
                  annotation_position="top left", annotation_font_color="#b02525",
                  annotation_font_size=11)
    return fig


@pytest.mark.parametrize("make", [_plain, _two_rows, _second_row_empty],
                         ids=["plain", "two-rows", "second-row-empty"])
def test_shading_matches_plotlys_add_vrect(make: Any) -> None:
    expected = _with_add_vrect(make()).to_plotly_json()["layout"]
    fig = make()
    shade_time(fig, 30.0, [FAULT])
    got = fig.to_plotly_json()["layout"]
    assert got["shapes"] == expected["shapes"]
    assert got["annotations"] == expected["annotations"]
    assert len(got["shapes"]) == (4 if make is _two_rows else 2)  # 2 windows, each subplot
    assert len(got["annotations"]) == len(got["shapes"])


def test_nothing_to_shade_leaves_the_layout_alone() -> None:
    fig = _two_rows()
    before = fig.to_plotly_json()["layout"]
    shade_time(fig, 0.0, [])
    assert fig.to_plotly_json()["layout"] == before
