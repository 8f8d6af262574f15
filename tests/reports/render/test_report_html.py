"""report.html without a browser: escaping, table values, data-driven sections, plotly.js."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from asyncsim.commands.common import load
from asyncsim.commands.gates import run_gates
from asyncsim.commands.run import RunOutput, report_meta, run_scenario
from asyncsim.reports.distributions import LATENCY_EDGES_S
from asyncsim.reports.files.outputs import OutputOptions
from asyncsim.reports.render.report_data import FaultWindow, ReportMeta, StrategyData
from asyncsim.reports.render.run_charts import ChartBuilder
from asyncsim.reports.render.run_report import plan_report, render_run_report
from asyncsim.sim.outcome import Source, Status
from tests.helpers import idle_everywhere
from tests.reports import scenarios
from tests.reports.summaries import summary


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> RunOutput:
    folder = tmp_path_factory.mktemp("hostile")
    loaded = load(scenarios.write(folder, scenarios.HOSTILE))
    return run_scenario(loaded, folder / "out", jobs=1)


def test_scenario_strings_are_escaped(hostile_run: RunOutput) -> None:
    assert hostile_run.out_dir is not None
    page = (hostile_run.out_dir / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page and "<b>API</b>" not in page
    assert '<h1 id="scenario-name">&lt;script&gt;alert(1)&lt;/script&gt;</h1>' in page
    assert "A small &lt;b&gt;API&lt;/b&gt; &amp; co," in page
    # In chart JSON the name is plotly-escaped text, so plotly shows it literally too.
    assert "\\u003cimg src=x onerror=alert(2)\\u003e" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page


def test_table_cells_carry_the_summary_values(hostile_run: RunOutput) -> None:
    assert hostile_run.out_dir is not None
    page = (hostile_run.out_dir / "report.html").read_text(encoding="utf-8")
    written = json.loads((hostile_run.out_dir / "summary.json").read_text(encoding="utf-8"))
    cells = re.findall(r'<td[^>]*data-key="([^"]*)" data-strategy="([^"]*)" '
                       r'data-mean="([^"]*)"', page.split('id="caching"')[0])
    seen = set()
    for key, strategy, mean in cells:
        key, strategy = (k.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
                         .replace("&amp;", "&") for k in (key, strategy))
        assert json.loads(mean.replace("&quot;", '"')) == (
            written["strategies"][strategy]["values"][key]["mean"]), (key, strategy)
        seen.add((key, strategy))
    expected = {(k, s) for s, entry in written["strategies"].items() for k in entry["values"]
                if not idle_everywhere(written, k)}
    assert expected <= seen


def test_sections_of_a_timeout_run(hostile_run: RunOutput) -> None:
    assert hostile_run.out_dir is not None
    page = (hostile_run.out_dir / "report.html").read_text(encoding="utf-8")
    for section in ("objectives", "summary", "latency", "load", "resilience", "recovery",
                    "metrics"):
        assert f'<section id="{section}">' in page
    assert '<section id="caching">' not in page       # no cache layer, no hits
    assert page.count('class="js-plotly-plot"') == 0  # plotly adds that class in the browser
    # the tradeoff chart and ten others (the percentile spectrum among them); those that
    # only say "nothing happened" are quiet (hidden behind "show all"): here amplification,
    # 1 everywhere (no retries); then the recovery panel, one chart per strategy (the run
    # has a fault)
    assert page.count('<figure class="chart') == 11 + 2
    assert page.count('<figure class="chart quiet" id="fig-amplification"') == 1
    assert "In plain words" in page


def test_every_time_chart_shades_warmup_and_faults(hostile_run: RunOutput) -> None:
    from asyncsim.reports.render.report_data import combine_runs

    meta = report_meta(hostile_run.scenario)
    assert meta.faults == (FaultWindow("api", "slowdown", 30.0, 40.0, "x4"),)
    build = ChartBuilder(hostile_run.summary, combine_runs(hostile_run.runs), meta)
    charts = [build.latency_over_time(), build.load_over_time(), build.utilisation_over_time(),
              build.queue_over_time(), build.goodput_over_time()]
    for chart in charts:
        assert chart is not None
        windows = [(s.x0, s.x1) for s in chart.figure.layout.shapes]
        assert windows == [(0, 10.0), (30.0, 40.0)], chart.id


def _data(sources: dict[Source, float], attempts: list[float] | None = None,
          series: dict[str, np.ndarray] | None = None) -> StrategyData:
    source = np.zeros(len(Source))
    for s, n in sources.items():
        source[int(s)] = n
    latency = np.zeros(len(LATENCY_EDGES_S) + 1)
    latency[100] = 10
    status = np.zeros(len(Status))
    status[int(Status.OK)] = 10
    t = np.arange(5) + 0.5
    return StrategyData({"time_s": t, "requests": np.full(5, 2.0), "ok": np.full(5, 2.0),
                         **(series or {})},
                        {"latency_s": latency, "source": source, "status": status,
                         "attempts": np.array(attempts or [0, 10] + [0] * 9)})


def _ids(parts: list) -> dict[str, list[str]]:  # type: ignore[type-arg]
    return {p.id: [c.id for c in p.charts] for p in parts}


def test_caching_section_lights_up_with_hits_only() -> None:
    run = summary({"a": {"latency.p(99)": [0.1, 0.1]}, "b": {"latency.p(99)": [0.1, 0.1]}})
    meta = ReportMeta({"a": (), "b": ()})
    plain = {"a": _data({Source.NETWORK: 10}), "b": _data({Source.NETWORK: 10})}
    assert "caching" not in _ids(plan_report(run, plain, meta))
    hits = {"a": _data({Source.NETWORK: 10}),
            "b": _data({Source.FRESH_HIT: 6, Source.NETWORK: 4})}
    assert _ids(plan_report(run, hits, meta))["caching"] == ["cache-sources"]


def test_caching_section_lights_up_with_cache_metrics_or_layers() -> None:
    plain = {"a": _data({Source.NETWORK: 10})}
    zero = summary({"a": {"hit_rate": [0.0, 0.0], "stale_rate": [0.1, 0.1]}})
    assert "caching" not in _ids(plan_report(zero, plain, ReportMeta({"a": ()})))
    some = summary({"a": {"hit_rate": [0.0, 0.2], "stale_rate": [0.1, 0.1]}})
    caching = next(p for p in plan_report(some, plain, ReportMeta({"a": ()}))
                   if p.id == "caching")
    assert 'data-key="hit_rate"' in caching.table and 'data-key="stale_rate"' in caching.table
    layered = summary({"a": {"latency.p(99)": [0.1, 0.1]}})
    assert "caching" in _ids(plan_report(layered, plain, ReportMeta({"a": ("cache",)})))


def test_resilience_metrics_light_up_only_when_not_zero() -> None:
    plain = {"a": _data({Source.NETWORK: 10})}
    unused = summary({"a": {"fallback_rate": [0.0, 0.0]}})
    assert "resilience" not in _ids(plan_report(unused, plain, ReportMeta({"a": ()})))
    used = summary({"a": {"fallback_rate": [0.0, 0.05]}})
    part = next(p for p in plan_report(used, plain, ReportMeta({"a": ()}))
                if p.id == "resilience")
    assert 'data-key="fallback_rate"' in part.table


def test_resilience_section_shows_retries_and_breaker_state() -> None:
    run = summary({"a": {"latency.p(99)": [0.1, 0.1]}})
    meta = ReportMeta({"a": ()})
    assert "resilience" not in _ids(plan_report(run, {"a": _data({Source.NETWORK: 10})}, meta))
    retried = {"a": _data({Source.NETWORK: 10}, attempts=[0, 7, 3] + [0] * 8,
                          series={"breaker_open:api": np.array([0, 0, 1, 0.5, 0])})}
    assert _ids(plan_report(run, retried, meta))["resilience"] == [
        "attempts", "breaker-timeline", "goodput-over-time"]


def test_inline_and_cdn_plotly(tmp_path: Path) -> None:
    run = summary({"a": {"latency.med": [0.1, 0.1]}})
    data = {"a": _data({Source.NETWORK: 10})}
    inline = render_run_report(run, data, ReportMeta({"a": ()}), "inline")
    cdn = render_run_report(run, data, ReportMeta({"a": ()}), "cdn")
    assert 'src="https://cdn.plot.ly/plotly-' not in inline
    assert inline.count("Plotly.newPlot(") >= 3 and len(inline) > 3_000_000
    assert re.search(r'<script charset="utf-8" src="https://cdn\.plot\.ly/plotly-[\d.]+\.min\.js" '
                     r'integrity="sha256-[A-Za-z0-9+/=]+" crossorigin="anonymous">', cdn)
    assert len(cdn) < 200_000


def test_verdict_box_lists_thresholds(tmp_path: Path) -> None:
    loaded = load(scenarios.write(tmp_path), ["replications=2", "duration=30s",
                                                           "backends.api.faults=[]"])
    gates = run_gates(loaded, ["error_rate: rate < 0.5", "latency: p(99) < 1ms"])
    run = run_scenario(loaded, tmp_path / "out", jobs=1, gates=gates,
                       outputs=OutputOptions(plotly_js="cdn"))
    assert not run.verdict.ok
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    box = page.split('id="verdict"', 1)[1].split("</div>", 1)[0]
    assert "✗ 2 of 4 thresholds failed" in box       # each threshold on both strategies
    assert box.count('<li class="pass">error_rate: rate &lt; 0.5 (') == 2
    assert box.count('<li class="fail">latency: p(99) &lt; 1ms (') == 2
    assert page.count('class="verdict fail"') == 1


def test_objectives_come_first_and_all_zero_rows_are_quiet() -> None:
    from asyncsim.reports.render.run_report import metrics_table

    run = summary({"a": {"latency.p(99)": [0.1, 0.2], "error_rate": [0.0, 0.0],
                         "backend_calls": [10, 12]},
                   "b": {"latency.p(99)": [0.3, 0.2], "error_rate": [0.0, 0.0],
                         "backend_calls": [11, 12]}})
    run["objectives"] = {"goals": [{"key": "backend_calls", "better": "lower"}]}
    table = metrics_table(run, ["a", "b"])
    rows = re.findall(r'<tr( class="quiet")?><td class="key"[^>]*>([^<]*)</td>', table)
    assert rows[0][1] == "backend_calls"  # the objective, on top
    assert table.index(">objectives<") < table.index(">core<")
    assert [key for _, key in rows].count("backend_calls") == 1
    assert {key for quiet, key in rows if quiet} == {"error_rate"}  # 0 everywhere


def test_charts_that_say_nothing_happened_are_quiet_and_the_page_offers_show_all() -> None:
    run = summary({"a": {"amplification": [1.0, 1.0], "latency.med": [0.1, 0.1]},
                   "b": {"amplification": [1.0, 1.0], "latency.med": [0.1, 0.1]}})
    data = {"a": _data({Source.NETWORK: 10}), "b": _data({Source.NETWORK: 10})}
    for strategy in data.values():
        strategy.series.update({"time_s": np.array([1.0, 3.0]), "queue:api": np.zeros(2)})
    meta = ReportMeta({"a": (), "b": ()})
    load = next(p for p in plan_report(run, data, meta) if p.id == "load")
    quiet = {c.id for c in load.charts if c.quiet}
    assert {"amplification", "queue-over-time"} <= quiet
    page = render_run_report(run, data, meta, plotly_js="cdn")
    assert 'id="show-all"' in page and "empty chart" in page
    assert 'class="chart quiet" id="fig-amplification"' in page
    loud = summary({"a": {"amplification": [1.0, 1.5]}, "b": {"amplification": [1.0, 1.0]}})
    load = next(p for p in plan_report(loud, data, meta) if p.id == "load")
    assert "amplification" not in {c.id for c in load.charts if c.quiet}
