"""``report.html`` of a run: header and verdict, summary table, then charts by topic.

Sections for caching and resilience appear only when the run has something to show in
them; :mod:`asyncsim.reports.render.sections` says what lights each one.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.files.writers import json_safe
from asyncsim.reports.headline import headline
from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.reports.objectives import goals_present
from asyncsim.reports.render.chart_kit import Chart, flat_zero, strategy_colors
from asyncsim.reports.render.charts.recovery import recovery_charts
from asyncsim.reports.render.charts.spectrum import spectrum_chart
from asyncsim.reports.render.graph.cache_tiers import cache_tier_charts
from asyncsim.reports.render.graph.service_graph import service_graph_charts
from asyncsim.reports.render.objective_chart import tradeoff_chart
from asyncsim.reports.render.page import PlotlyJs, Section, charts_grid, esc, render_page
from asyncsim.reports.render.pattern_charts import pattern_charts
from asyncsim.reports.render.report_data import ReportMeta, StrategyData, finite
from asyncsim.reports.render.run_charts import ChartBuilder
from asyncsim.reports.render.sections import (
    CACHE_TIERS,
    CACHING,
    GRAPH,
    PATTERNS,
    RESILIENCE,
    Topic,
)
from asyncsim.reports.render.tradeoffs import tradeoff_sentences
from asyncsim.reports.render.values import (
    format_estimate,
    format_value,
    row_order,
    says_nothing,
)
from asyncsim.reports.significance import significantly_best
from asyncsim.sim.outcome import Source, Status

HIT_SOURCES = (Source.FRESH_HIT, Source.STALE_HIT, Source.COALESCED)


def value_cell(values: Mapping[str, Any], key: str, strategy: str, unit: str,
               css: str = "") -> str:
    """A table cell whose text is the terminal's and whose data-mean is summary.json's."""
    entry = values.get(key)
    mean = finite(entry["mean"]) if entry else math.nan
    if entry:
        estimate = format_estimate(mean, finite(entry["ci95_low"]), finite(entry["ci95_high"]),
                                   unit, with_unit=False)
    else:
        estimate = format_value(mean, unit)
    value, plus, half = estimate.partition(" ±")
    text = esc(value) + (f'<span class="ci">±{esc(half)}</span>' if plus else "")
    data = json.dumps(json_safe(mean))
    cls = f' class="{css}"' if css else ""
    return (f'<td{cls} data-key="{esc(key)}" data-strategy="{esc(strategy)}" '
            f'data-mean="{esc(data)}">{text}</td>')


def best_strategies(summary: Mapping[str, Any], key: str, order: Sequence[str],
                    better: str) -> set[str]:
    """The strategy to highlight on a row: significantly better than every other, paired
    over replications (never a tie, a minimum, or a metric relative to other rows)."""
    best = significantly_best(summary, key, better, order)
    return {best} if best is not None else set()


def all_zero(summary: Mapping[str, Any], key: str, order: Sequence[str]) -> bool:
    """Every strategy's mean is 0 (or missing): a row that only says "nothing happened",
    like the per-backend error counts of a run without errors. Hidden until "show all"."""
    means = [summary["strategies"][s]["values"].get(key, {}).get("mean") for s in order]
    return all(m is None or m == 0 for m in means)


def metrics_table(summary: Mapping[str, Any], order: Sequence[str],
                  keep: Callable[[str], bool] = lambda _: True, name: str = "summary") -> str:
    """Rows: the objectives first, then value keys grouped by metric family; columns:
    strategies; the significantly best value per row marked; all-zero rows quiet (hidden
    until the page's "show all")."""
    strategies = summary["strategies"]
    colors = strategy_colors(order)
    keys = sorted({k for s in order for k in strategies[s]["values"]
                   if keep(k) and not says_nothing(summary, k, order)}, key=row_order)
    goals = [g["key"] for g in goals_present(summary) if g["key"] in keys]
    head = "".join(f'<th data-strategy="{esc(s)}"><span class="swatch" '
                   f'style="background:{colors[s]}"></span>{esc(s)}</th>' for s in order)
    rows, family = [], None
    groups = [("objectives", k) for k in goals] + [(None, k) for k in keys if k not in goals]
    for group, key in groups:
        metric_name = ValueKey.parse(key).name
        metric = REGISTRY.get(metric_name)
        info = summary.get("metrics", {}).get(metric_name, {})
        unit = info.get("unit", metric.unit if metric else "")
        better = info.get("better", metric.better if metric else "none")
        this_family = group or (metric.family if metric else "other")
        if this_family != family:
            family = this_family
            rows.append(f'<tr class="family"><th colspan="{len(order) + 1}">{esc(family)}'
                        "</th></tr>")
        best = best_strategies(summary, key, order, better)
        title = info.get("meaning", metric.meaning if metric else "")
        cells = "".join(value_cell(strategies[s]["values"], key, s, unit,
                                   "best" if s in best else "") for s in order)
        quiet = ' class="quiet"' if group is None and all_zero(summary, key, order) else ""
        rows.append(f'<tr{quiet}><td class="key" title="{esc(title)}">{esc(key)}</td>{cells}'
                    "</tr>")
    return (f'<div class="table-wrap"><table class="metrics" data-table="{esc(name)}"><thead><tr>'
            f"<th>metric</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def glossary(summary: Mapping[str, Any]) -> str:
    used = {ValueKey.parse(k).name for s in summary["strategies"].values() for k in s["values"]}
    rows = "".join(
        f'<tr><td class="key">{esc(name)}</td><td>{esc(info.get("unit", ""))}</td>'
        f'<td>{esc(info.get("better", ""))}</td><td style="text-align:left;white-space:normal">'
        f'{esc(info.get("meaning", ""))}</td></tr>'
        for name, info in summary.get("metrics", {}).items() if name in used)
    return ('<div class="table-wrap"><table class="metrics"><thead><tr><th>metric</th>'
            "<th>unit</th><th>better</th><th style=\"text-align:left\">meaning</th></tr>"
            f"</thead><tbody>{rows}</tbody></table></div>")


def _duration(seconds: Any) -> str:
    value = finite(seconds)
    if not math.isfinite(value):
        return "-"
    if value >= 120 and value % 60 == 0:
        return f"{value / 60:g} min"
    return f"{value:g} s"


def header_html(summary: Mapping[str, Any], meta: ReportMeta, kicker: str) -> str:
    scenario = summary.get("scenario", {})
    colors = strategy_colors(meta.order)
    facts = [("seed", scenario.get("seed")), ("duration", _duration(scenario.get("duration_s"))),
             ("warm-up", _duration(scenario.get("warmup_s"))),
             ("replications", scenario.get("replications")),
             ("asyncsim", summary.get("asyncsim_version"))]
    if meta.generated_at:
        facts.append(("run", meta.generated_at))
    chips = "".join(f"<span>{esc(label)} <b>{esc(value)}</b></span>" for label, value in facts)
    strategies = "".join(
        f'<span><span class="swatch" style="background:{colors[s]}"></span>{esc(s)}'
        f"{' · ' + esc(' → '.join(layers)) if layers else ' · no layers'}</span>"
        for s, layers in meta.strategies.items())
    description = scenario.get("description") or ""
    return (f'<div class="kicker">{esc(kicker)}</div>'
            f'<h1 id="scenario-name">{esc(scenario.get("name", ""))}</h1>'
            + (f'<p class="description">{esc(description)}</p>' if description else "")
            + f'<div class="facts">{chips}</div>'
            + f'<div class="facts" style="margin-top:8px">{strategies}</div>')


def verdict_html(summary: Mapping[str, Any], meta: ReportMeta) -> str:
    parts = []
    state = ""
    if meta.checks:
        failed = [c for c in meta.checks if not c.passed]
        state = "fail" if failed else "pass"
        title = (f"✗ {len(failed)} of {len(meta.checks)} thresholds failed" if failed
                 else f"✓ all {len(meta.checks)} thresholds passed")
        items = "".join(f'<li class="{"pass" if c.passed else "fail"}">{esc(c.label)}'
                        f'{" <span class=ci>" + esc(c.detail) + "</span>" if c.detail else ""}'
                        "</li>" for c in meta.checks)
        parts.append(f'<h2>{esc(title)}</h2><ul class="checks">{items}</ul>')
    lines = summary.get("headline")
    if lines is None:
        lines = headline(summary)
    if lines:
        parts.insert(0, '<h2>Headline</h2><ul class="headline">'
                     + "".join(f"<li>{esc(line)}</li>" for line in lines) + "</ul>")
    sentences = tradeoff_sentences(summary, meta.order)
    parts.append("<h2>In plain words</h2><ul>"
                 + "".join(f"<li>{esc(s)}</li>" for s in sentences) + "</ul>")
    return f'<div class="verdict {state}" id="verdict">{"".join(parts)}</div>'


def _any_hits(data: Mapping[str, StrategyData]) -> bool:
    for strategy in data.values():
        source = strategy.distributions.get("source")
        if source is not None and any(source[int(s)] > 0 for s in HIT_SOURCES
                                      if int(s) < len(source)):
            return True
    return False


def _present(charts: Sequence[Chart | None], says_nothing: Callable[[Chart], bool]
             = lambda _: False) -> list[Chart]:
    """The charts that exist, those that only say "nothing happened" marked quiet."""
    return [replace(c, quiet=True) if flat_zero(c.figure) or says_nothing(c) else c
            for c in charts if c is not None]


def _nothing_happened(summary: Mapping[str, Any], data: Mapping[str, StrategyData]
                      ) -> Callable[[Chart], bool]:
    """Charts of the load section with nothing to tell: amplification 1 for every
    strategy (no retry, no cache), every request ok."""
    def check(chart: Chart) -> bool:
        if chart.id == "amplification":
            means = [finite(s["values"].get("amplification", {}).get("mean"))
                     for s in summary["strategies"].values()]
            return all(m == 1.0 for m in means)
        if chart.id == "outcomes":
            ok = int(Status.OK)
            return all(not any(v for i, v in enumerate(d.distributions.get("status", []))
                               if i != ok) for d in data.values())
        return False
    return check


@dataclass(frozen=True)
class Part:
    """One section of the report before rendering: its charts and an optional table."""

    id: str
    title: str
    intro: str
    charts: list[Chart]
    table: str = ""


def _topic(topic: Topic, summary: Mapping[str, Any], order: Sequence[str],
           charts: Sequence[Chart | None]) -> Part:
    return Part(topic.id, topic.title, topic.intro, _present(charts),
                metrics_table(summary, order, topic.lists, topic.id))


def plan_report(summary: Mapping[str, Any], data: Mapping[str, StrategyData],
                meta: ReportMeta) -> list[Part]:
    """The chart sections of a run report, each only when it has something to show."""
    build = ChartBuilder(summary, data, meta)
    order = [s for s in meta.order if s in summary["strategies"]]
    parts = [
        Part("latency", "Latency", "User-perceived latency: from request start to the "
             "outcome, queueing, retries and backoff included.",
             _present([build.latency_cdf(), build.latency_percentiles(),
                       spectrum_chart({s: d.latency for s, d in data.items()}, build.order,
                                      build.colors),
                       build.latency_over_time()])),
        Part("load", "Load", "What each strategy asks of the backends, and how requests ended.",
             _present([build.load_over_time(), build.amplification(),
                       build.utilisation_over_time(), build.queue_over_time(),
                       build.outcomes()], _nothing_happened(summary, data)))]
    if meta.has_layer(*CACHING.layers) or _any_hits(data) or CACHING.lit(summary):
        parts.append(_topic(CACHING, summary, order, [
            build.cache_sources(), build.staleness(), build.cache_size_over_time()]))
    attempts, breaker = build.attempts(), build.breaker_timeline()
    if meta.has_layer(*RESILIENCE.layers) or RESILIENCE.lit(summary) or attempts or breaker:
        parts.append(_topic(RESILIENCE, summary, order,
                            [attempts, breaker, build.goodput_over_time()]))
    if CACHE_TIERS.lit(summary):
        parts.append(_topic(CACHE_TIERS, summary, order, cache_tier_charts(summary, order)))
    if GRAPH.lit(summary):
        parts.append(_topic(GRAPH, summary, order,
                            service_graph_charts(summary, order, meta.replicas)))
    recovery = recovery_charts(summary, data, meta)
    if recovery:
        parts.append(Part("recovery", "Recovery after faults", "Per strategy: goodput "
                          "against the pre-fault baseline band, the fault shaded, when it "
                          "came back, and each replication's outcome.", recovery))
    charts = pattern_charts(build)
    parts += [_topic(topic, summary, order, charts[topic.id]) for topic in PATTERNS
              if topic.lit(summary)]
    return [p for p in parts if p.charts or p.table]


def render_run_report(summary: Mapping[str, Any], data: Mapping[str, StrategyData],
                      meta: ReportMeta, plotly_js: PlotlyJs = "inline") -> str:
    """The full report page of one run."""
    order = [s for s in meta.order if s in summary["strategies"]]
    sections = []
    tradeoff = tradeoff_chart(summary, order)
    if tradeoff is not None:
        sections.append(Section("objectives", "Objectives", charts_grid([tradeoff]),
                                "The scenario's question: each strategy on its objectives."))
    sections += [Section("summary", "Summary", metrics_table(summary, order),
                        "Mean over replications ± half the 95% confidence interval. A value is "
                        "highlighted only when it is significantly better than every other "
                        "strategy's (paired over replications, Holm-adjusted 5%); ties, "
                        "minima and shares relative to other rows never are. Hover a "
                        "metric for its meaning.")]
    sections += [Section(p.id, p.title, charts_grid(p.charts) + p.table, p.intro)
                 for p in plan_report(summary, data, meta)]
    sections.append(Section("metrics", "Metric definitions", glossary(summary)))
    name = str(summary.get("scenario", {}).get("name", "scenario"))
    return render_page(f"{name} · asyncsim report", header_html(summary, meta, "asyncsim report"),
                       sections, plotly_js, lead=verdict_html(summary, meta))


def report_figures(summary: Mapping[str, Any], data: Mapping[str, StrategyData],
                   meta: ReportMeta) -> list[Chart]:
    """Every chart of the report, in page order (for static export)."""
    return [c for p in plan_report(summary, data, meta) for c in p.charts]
