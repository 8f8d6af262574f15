"""One self-contained HTML page: our template, plotly fragments, plotly.js included once.

Why our own template (no Jinja): a report is a header, a few sections and tables; string
building with :func:`esc` on every value from a scenario keeps the escaping visible at
each use. Charts are ``plotly.io.to_html(full_html=False, include_plotlyjs=False)``
fragments (plotly writes their JSON with ``<`` escaped, so names cannot end a script).
plotly.js is inlined by default, so the file opens offline; ``cdn`` loads it from
plotly's CDN (with its integrity hash) for a file a few hundred kilobytes small.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import plotly.io as pio
from plotly.offline import get_plotlyjs, get_plotlyjs_version

from asyncsim import __version__
from asyncsim.reports.render.chart_kit import Chart, figure_json

PlotlyJs = Literal["inline", "cdn"]
SHOW_ALL = ("(function () { var box = document.getElementById('show-all'); if (!box) return;"
            " box.addEventListener('change', function () {"
            " document.body.classList.toggle('show-all', box.checked);"
            " document.querySelectorAll('.quiet .js-plotly-plot').forEach(function (el) {"
            " Plotly.Plots.resize(el); }); }); })();")
"""The "show all" box: quiet rows and charts (all zero, nothing happened) are hidden by
CSS until it is ticked; charts drawn while hidden are laid out again when shown."""
RELAYOUT_ON_LOAD = ("window.addEventListener('load', function () {"
                    " document.querySelectorAll('.js-plotly-plot').forEach(function (el) {"
                    " Plotly.Plots.resize(el); }); });")
"""A chart drawn before the page's grid settled keeps the default 700 px plot area and
overflows its card; laying every chart out again once the page has loaded fixes that."""

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def esc(value: Any) -> str:
    """Text or attribute value, escaped (quotes included) for HTML."""
    return html.escape(str(value), quote=True)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    body: str
    """HTML already escaped by whoever built it."""
    intro: str = ""
    """Plain text, escaped here."""


@cache
def stylesheet() -> str:
    return (resources.files("asyncsim") / "reports" / "report.css").read_text(encoding="utf-8")


def plotly_script(mode: PlotlyJs) -> str:
    if mode == "cdn":
        source = get_plotlyjs()
        digest = base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode()
        url = f"https://cdn.plot.ly/plotly-{get_plotlyjs_version()}.min.js"
        return (f'<script charset="utf-8" src="{esc(url)}" integrity="sha256-{digest}" '
                'crossorigin="anonymous"></script>')
    return f'<script type="text/javascript">{get_plotlyjs()}</script>'


def chart_html(chart: Chart) -> str:
    fragment = pio.to_html(figure_json(chart.figure), validate=False, full_html=False,
                           include_plotlyjs=False,
                           div_id=chart.id, config=PLOTLY_CONFIG, default_width="100%",
                           default_height=f"{chart.figure.layout.height or 360}px")
    note = f'<p class="note">{esc(chart.note)}</p>' if chart.note else ""
    css = "chart quiet" if chart.quiet else "chart"
    return (f'<figure class="{css}" id="fig-{esc(chart.id)}">'
            f"<figcaption>{esc(chart.title)}</figcaption>{fragment}{note}</figure>")


def charts_grid(charts: Sequence[Chart]) -> str:
    return '<div class="grid">' + "".join(chart_html(c) for c in charts) + "</div>"


def render_page(title: str, header: str, sections: Sequence[Section], plotly_js: PlotlyJs,
                lead: str = "", footer: str = "") -> str:
    """The whole document; ``header``, ``lead`` (above the sections) and section bodies
    are HTML, ``title`` is text."""
    nav = "".join(f'<a href="#{esc(s.id)}">{esc(s.title)}</a>' for s in sections)
    body = "".join(
        f'<section id="{esc(s.id)}"><h2>{esc(s.title)}</h2>'
        + (f'<p class="intro">{esc(s.intro)}</p>' if s.intro else "") + s.body + "</section>"
        for s in sections)
    rows = body.count('<tr class="quiet"')
    charts = body.count('class="chart quiet"')
    if rows or charts:
        hidden = " and ".join(p for p in (_count(rows, "all-zero row"),
                                          _count(charts, "empty chart")) if p)
        nav += (f'<label class="show-all"><input type="checkbox" id="show-all"> show all '
                f"({hidden} hidden)</label>")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="asyncsim {esc(__version__)}">
<title>{esc(title)}</title>
<style>{stylesheet()}</style>
<script>window.PlotlyConfig = {{MathJaxConfig: 'local'}};</script>
{plotly_script(plotly_js)}
</head>
<body>
<header class="top">{header}</header>
<nav class="toc">{nav}</nav>
<main>{lead}{body}</main>
<footer>{footer or f"Made with asyncsim {esc(__version__)}."}</footer>
<script>{RELAYOUT_ON_LOAD}{SHOW_ALL}</script>
</body>
</html>
"""


def _count(n: int, noun: str) -> str:
    return "" if n == 0 else f"{n} {noun}{'' if n == 1 else 's'}"
