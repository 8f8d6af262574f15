"""The k6-style end-of-run summary: strategies side by side, then the run's own figures."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.reports.metrics.registry import TREND_STATS
from asyncsim.reports.summary import RunPerformance


def format_value(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if unit == "s":
        if abs(value) >= 1:
            return f"{value:.2f}s"
        return f"{value * 1e3:.2f}ms" if abs(value) >= 1e-3 else f"{value * 1e6:.0f}µs"
    if unit == "1":
        return f"{value * 100:.2f}%"
    if float(value).is_integer() and abs(value) >= 1:
        return f"{value:,.0f}"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def _cell(values: dict[str, Any], key: str, unit: str) -> str:
    entry = values.get(key)
    if entry is None:
        return "-"
    text = format_value(entry["mean"], unit)
    low, high = entry["ci95_low"], entry["ci95_high"]
    if low is not None and high is not None and not math.isnan(low) and high != low:
        text += f" ±{format_value((high - low) / 2, unit)}"
    return text


def results_table(summary: dict[str, Any], order: Sequence[str]) -> Table:
    """Rows are metric values, columns strategies (in the scenario's order)."""
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("metric", style="cyan", no_wrap=True)
    for name in order:
        table.add_column(name, justify="right")
    strategies = summary["strategies"]
    keys = sorted({k for s in strategies.values() for k in s["values"]}, key=row_order)
    for key in keys:
        if says_nothing(summary, key, order):
            continue
        metric = REGISTRY.get(split_key(key)[0])
        unit = metric.unit if metric else ""
        table.add_row(key, *(_cell(strategies[n]["values"], key, unit) for n in order))
    return table


def says_nothing(summary: Mapping[str, Any], key: str, order: Sequence[str]) -> bool:
    """A pattern metric idle in every strategy (hit_rate without a cache): not worth a row."""
    metric = REGISTRY.get(split_key(key)[0])
    return metric is not None and metric.says_nothing(
        summary["strategies"][s]["values"].get(key, {}).get("mean") for s in order)


def split_key(key: str) -> tuple[str, str, str]:
    """``name{tag}.stat`` -> (name, tag, stat); a tag may hold dots (``backend:api.v2``),
    a statistic too (``p(99.9)``)."""
    name = key.split("{")[0].split(".")[0]
    rest = key[len(name):]
    tag = rest[1:rest.index("}")] if rest.startswith("{") and "}" in rest else ""
    rest = rest[len(tag) + 2:] if tag or rest.startswith("{}") else rest
    return name, tag, rest[1:] if rest.startswith(".") else ""


def row_order(key: str) -> tuple[int, str, int, str]:
    """Registry order of metrics, then tag, then trend statistics in their usual order."""
    name, tag, stat = split_key(key)
    names = list(REGISTRY)
    stat_rank = TREND_STATS.index(stat) if stat in TREND_STATS else len(TREND_STATS)
    return (names.index(name) if name in names else len(names), tag, stat_rank, stat)


def performance_line(runs: Sequence[RunPerformance], wall_s: float) -> Text:
    requests = sum(r.requests_simulated for r in runs)
    events = sum(r.simpy_events for r in runs)
    cpu = sum(r.cpu_s for r in runs)
    rate = requests / wall_s if wall_s > 0 else math.inf
    return Text(f"simulated requests {requests:,} · SimPy events {events:,} · "
                f"wall {wall_s:.2f}s · CPU {cpu:.2f}s · {rate:,.0f} req/s", style="dim")


def print_summary(console: Console, summary: dict[str, Any], order: Sequence[str],
                  performance: Sequence[RunPerformance], wall_s: float,
                  thresholds: Any = None, out_dir: str | None = None) -> None:
    scenario = summary["scenario"]
    parts: list[Any] = []
    if thresholds is not None:
        parts.append(thresholds)
    parts += [Text(f"█ RESULTS  {scenario['name']}: {scenario['replications']} "
                   f"replication(s), mean ±95% CI, measured after "
                   f"{scenario['warmup_s']:g}s warm-up", style="bold"),
              results_table(summary, order), Text(""),
              Text("█ RUN", style="bold"), performance_line(performance, wall_s)]
    if out_dir:
        parts.append(Text(f"report: {out_dir}/summary.json", style="dim"))
    console.print(Group(*parts))
