"""The HTML reports in a real browser: Debian's Chromium, driven headless by Playwright.

Each page is opened from file:// with the network off (any other request is aborted and
recorded): no console errors, no page errors, no dialogs (a scenario named
``<script>alert(1)</script>`` must show as text, not run), every chart drawn, and the
summary table's cells equal to summary.json. A full-page screenshot is saved in the
test's folder, and in CI also as ``asyncsim-out/ci-artifacts/report.png``.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from asyncsim.commands.common import load
from asyncsim.commands.compare import compare_runs
from asyncsim.commands.run import run_scenario
from asyncsim.commands.sweep import run_sweep
from asyncsim.lang.value_key import ValueKey
from tests.helpers import idle_everywhere
from tests.optional import in_ci, need_chromium, need_module
from tests.reports import scenarios

REPO = Path(__file__).resolve().parents[2]
ARTIFACT = REPO / "asyncsim-out" / "ci-artifacts" / "report.png"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
"""As /work/.library/env/machines/python.md: without the background-networking flags
Chromium tries Google's hosts at start, which a closed network refuses."""
RENDER_TIMEOUT_MS = 60_000


@dataclass
class Visit:
    problems: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A run report, a comparison and a sweep report of the hostile scenario."""
    folder = tmp_path_factory.mktemp("browser")
    path = scenarios.write(folder, scenarios.HOSTILE)
    run = run_scenario(load(path), folder / "run", jobs=1)
    strategies = list(run.scenario.strategies)
    compare_runs(folder / "run" / "summary.json", strategies=(strategies[0], strategies[1]),
                 html=folder / "compare.html")
    run_sweep(path, ["workload.arrivals.poisson=20/s,60/s"], folder / "sweep",
              overrides=["replications=1", "duration=20s", "warmup=2s",
                         "backends.api.faults=[]"], jobs=1)
    return {"report": folder / "run" / "report.html", "summary": folder / "run" / "summary.json",
            "compare": folder / "compare.html", "sweep": folder / "sweep" / "sweep.html"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = need_chromium()
    need_module("playwright")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_page(browser: Any, path: Path) -> tuple[Any, Visit]:
    visit = Visit()
    context = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith("file://"):
            request_route.continue_()
        else:
            visit.blocked.append(url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: visit.problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: visit.problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (visit.problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    charts = page.locator("figure.chart").count()
    page.wait_for_function(
        f"document.querySelectorAll('figure.chart .js-plotly-plot .main-svg').length >= "
        f"{charts}", timeout=RENDER_TIMEOUT_MS)
    return page, visit


def full_page_screenshot(page: Any, path: Path) -> None:
    """Grow the viewport to the page first and let plotly re-lay out every chart (awaited),
    so the capture does not catch charts halfway through a resize."""
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 1400, "height": height})
    page.evaluate("() => Promise.all([...document.querySelectorAll('.js-plotly-plot')]"
                  ".map(p => Plotly.Plots.resize(p)))")
    page.screenshot(path=str(path), full_page=True)


def chart_problems(page: Any) -> list[str]:
    """Each figure: a plotly plot of real size with traces drawn in its SVG."""
    return list(page.evaluate("""() => [...document.querySelectorAll('figure.chart')].flatMap(f => {
        const plot = f.querySelector('.js-plotly-plot');
        if (!plot) return [f.id + ': no plot'];
        const svg = plot.querySelector('.main-svg');
        const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
        const traces = plot.querySelectorAll('.scatterlayer .trace, .barlayer .trace').length;
        const data = (plot._fullData || []).length;
        const out = [];
        if (box.width < 200 || box.height < 150) out.push(f.id + ': svg too small');
        if (data === 0 || traces === 0) out.push(f.id + ': no trace drawn');
        return out;
    })"""))


def show_all(page: Any) -> None:
    """Quiet charts and rows (nothing happened) start hidden; "show all" shows and lays
    out every one."""
    quiet = page.locator("figure.chart.quiet, tr.quiet")
    assert not any(item.is_visible() for item in quiet.all())
    if page.locator("#show-all").count():
        page.check("#show-all")
        page.wait_for_function("() => [...document.querySelectorAll('figure.chart')].every("
                               "f => f.getBoundingClientRect().width >= 200)", timeout=5000)
        assert all(item.is_visible() for item in quiet.all())


def line_styles_shared(page: Any) -> list[str]:
    """Charts where two strategies' lines share both dash and marker (one would hide the
    other when common random numbers make them coincide)."""
    return list(page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')]
        .flatMap(p => {
            const seen = {};
            for (const t of p._fullData || []) {
                if (t.type !== 'scatter' || !(t.mode || '').includes('lines')) continue;
                if (!(t.mode || '').includes('markers')) continue;
                const style = (t.line || {}).dash + '/' + (t.marker || {}).symbol;
                const group = t.legendgroup || t.name;
                (seen[style] = seen[style] || new Set()).add(group);
            }
            return Object.entries(seen).filter(([, g]) => g.size > 1)
                .map(([s, g]) => p.id + ' ' + s + ': ' + [...g].join(', '));
        })"""))


def unjustified_highlights(page: Any, summary: dict[str, Any]) -> list[str]:
    """Highlighted cells that are not the one significantly best strategy of their row,
    and significant winners left plain."""
    from asyncsim.reports.significance import significantly_best

    shown = set(map(tuple, page.eval_on_selector_all(
        "table[data-table=summary] td.best",
        "cells => cells.map(c => [c.dataset.key, c.dataset.strategy])")))
    order = list(summary["strategies"])
    keys = {k for entry in summary["strategies"].values() for k in entry["values"]
            if not idle_everywhere(summary, k)}
    truth = set()
    for key in keys:
        better = summary["metrics"][ValueKey.parse(key).name]["better"]
        best = significantly_best(summary, key, better, order)
        if best is not None:
            truth.add((key, best))
    return [f"{k} {s}: highlighted" for k, s in shown - truth] + [
        f"{k} {s}: not highlighted" for k, s in truth - shown]


_SCALE = {"µs": 1e-6, "ms": 1e-3, "s": 1.0, "%": 0.01, "": 1.0}


def displayed_value(text: str) -> tuple[float, float]:
    """(value, rounding tolerance) of a cell as shown: '14.4 s ±0.8 s' -> (14.4, 0.05)."""
    shown = text.split("±")[0].strip()
    if shown == "-":
        return math.nan, 0.0
    if shown == "< 1 µs":
        return 0.0, 1e-6
    match = re.fullmatch(r"(-?[\d,]*\.?\d*) ?(µs|ms|s|%)?", shown)
    assert match, f"unexpected cell text {text!r}"
    number, suffix = match.group(1).replace(",", ""), match.group(2) or ""
    decimals = len(number.split(".")[1]) if "." in number else 0
    scale = _SCALE[suffix]
    return float(number) * scale, (0.5 * 10**-decimals + 1e-9) * scale


def test_run_report_in_chromium(browser: Any, pages: dict[str, Path], tmp_path: Path) -> None:
    page, visit = open_page(browser, pages["report"])
    summary = json.loads(pages["summary"].read_text(encoding="utf-8"))

    # The scenario's markup is text: shown literally, nothing ran, no element was made.
    assert page.locator("#scenario-name").text_content() == "<script>alert(1)</script>"
    assert "<script>alert(1)</script>" in page.title()
    assert page.locator("img").count() == 0
    assert "<img src=x onerror=alert(2)>" in page.locator(
        "table[data-table=summary] thead").text_content()

    show_all(page)
    assert chart_problems(page) == []
    # ten charts, the percentile spectrum, and the recovery panel (one per strategy)
    assert page.locator("figure.chart").count() == 11 + 2
    assert page.locator("#recovery figure.chart").count() == 2  # one per strategy
    assert page.locator("#objectives figure.chart").count() == 1  # the tradeoff, on top
    assert line_styles_shared(page) == []
    assert unjustified_highlights(page, summary) == []
    # A chart laid out before the grid settled would keep a plot area wider than its card.
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].every("
                           "p => p._fullLayout.width <= p.offsetWidth + 1)", timeout=5000)

    cells = page.eval_on_selector_all(
        "table[data-table=summary] td[data-key]",
        "cells => cells.map(c => [c.dataset.key, c.dataset.strategy, c.dataset.mean, "
        "c.textContent])")
    expected = {(k, s) for s, entry in summary["strategies"].items() for k in entry["values"]
                if not idle_everywhere(summary, k)}
    assert {(k, s) for k, s, _, _ in cells} == expected
    for key, strategy, mean, text in cells:
        truth = summary["strategies"][strategy]["values"][key]["mean"]
        assert json.loads(mean) == truth, (key, strategy)
        shown, tolerance = displayed_value(text)
        if truth is None:
            assert math.isnan(shown), (key, strategy, text)
        else:
            unit = summary["metrics"][ValueKey.parse(key).name]["unit"]
            assert abs(shown - truth) <= tolerance, (key, strategy, text, truth, unit)

    shot = tmp_path / "report.png"
    full_page_screenshot(page, shot)
    assert shot.stat().st_size > 50_000
    if in_ci():
        ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, ARTIFACT)
    assert visit.problems == [] and visit.blocked == []


PATTERN_EXAMPLES = {
    "waterfall": ("pages", ["page-waterfall"]),
    "prefetch": ("prefetch", ["prefetch-hits", "prefetch-waste"]),
    "feed-pagination": ("pagination", ["pagination-duplicates", "pagination-skips"]),
    "todo-optimistic": ("optimistic", ["optimistic-rollbacks", "optimistic-flickers"]),
    "live-dashboard": ("live", ["live-staleness-over-time", "live-staleness",
                                "live-requests"]),
    "cache-tiers": ("cache-tiers", ["tier-hits", "tier-lookups"]),
    "three-tier-retries": ("graph", ["graph-0", "graph-1", "graph-2", "time-split-0"]),
}
"""Each pattern section and its charts, in a bundled example that has the pattern."""
SHORTENED = {"cache-tiers": ["duration=20s", "warmup=5s", "replications=2"],
             "three-tier-retries": ["duration=60s", "replications=2"],
             "feed-pagination": ["duration=3m", "warmup=1m", "replications=2"],
             "prefetch": ["duration=3m", "warmup=1m", "replications=2"]}
"""Examples whose load makes 6 minutes slow to run; their sections need less."""


@pytest.fixture(scope="module")
def pattern_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The examples with workload patterns, shortened (the charts, not the numbers)."""
    folder = tmp_path_factory.mktemp("patterns")
    out = {}
    for name in PATTERN_EXAMPLES:
        loaded = load(REPO / "examples" / f"{name}.yaml",
                      SHORTENED.get(name, ["duration=6m", "warmup=1m", "replications=2"]))
        run_scenario(loaded, folder / name, jobs=1)
        out[name] = folder / name / "report.html"
    return out


@pytest.mark.parametrize("name", list(PATTERN_EXAMPLES))
def test_pattern_sections_in_chromium(browser: Any, pattern_reports: dict[str, Path],
                                      name: str, tmp_path: Path) -> None:
    page, visit = open_page(browser, pattern_reports[name])
    section, charts = PATTERN_EXAMPLES[name]
    assert page.locator(f"section#{section}").count() == 1
    assert [f"fig-{c}" for c in charts] == page.eval_on_selector_all(
        f"section#{section} figure.chart", "figs => figs.map(f => f.id)")
    show_all(page)
    assert chart_problems(page) == []
    assert line_styles_shared(page) == []
    summary = json.loads((pattern_reports[name].parent / "summary.json").read_text("utf-8"))
    assert unjustified_highlights(page, summary) == []
    page.locator(f"section#{section}").screenshot(path=str(tmp_path / f"{section}.png"))
    assert visit.problems == [] and visit.blocked == []


@pytest.mark.parametrize("name", ["compare", "sweep"])
def test_other_pages_in_chromium(browser: Any, pages: dict[str, Path], name: str,
                                 tmp_path: Path) -> None:
    page, visit = open_page(browser, pages[name])
    assert page.locator("#scenario-name").text_content().startswith("<script>alert(1)</script>")
    assert page.locator("figure.chart").count() >= 1
    assert chart_problems(page) == []
    full_page_screenshot(page, tmp_path / f"{name}.png")
    assert visit.problems == [] and visit.blocked == []
