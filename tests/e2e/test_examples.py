"""Every bundled example validates and runs end to end (one replication, to stay fast),
its headline names the right winner on its objective, and its terminal summary fits 80
and 120 columns without cutting a strategy name or a value."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from asyncsim.cli import cli
from asyncsim.reports.objectives import goals_present
from asyncsim.reports.render.terminal import print_summary
from asyncsim.reports.render.values import format_number, key_label, unit_of
from asyncsim.reports.significance import mean_of

runner = CliRunner()
EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(example: Path, tmp_path: Path) -> None:
    assert runner.invoke(cli, ["validate", str(example)]).exit_code == 0
    result = runner.invoke(cli, ["run", str(example), "--out", str(tmp_path), "-q",
                                 "--replications", "1"])
    assert result.exit_code in (0, 99), result.output  # 99: an example may show a failing gate
    summary = json.loads((tmp_path / "summary.json").read_text())
    for name, strategy in summary["strategies"].items():
        assert strategy["values"]["requests"]["mean"] > 0, name
    winners, losers = WINNERS[example.stem]
    leaders = headline_leaders(summary["headline"], winners[0])
    assert set(winners[1]) <= leaders and not leaders & set(losers), summary["headline"]
    for text in TEXTS.get(example.stem, ()):
        assert any(text in line for line in summary["headline"]), summary["headline"]
    for width in (80, 120):
        assert_terminal_fits(summary, width)


TEXTS = {
    "waterfall": ("declared and parallel tie as best on ttac p95: 3.00 s vs 7.00 s (chained",),
    "retry-storm": ("budget and drop-expired recover by the end of the run",
                    "immediate does not (0 req/s)"),
    "quickstart": ("the backend does the same work under every strategy",
                   "yet goodput falls from"),
}
"""The headline's words for the examples the issue names (one replication here)."""


WINNERS: dict[str, tuple[tuple[str, tuple[str, ...]], tuple[str, ...]]] = {
    # example: ((objective, strategies that must lead on it), strategies that must not)
    "adaptive-limits": (("goodput", ()), ("no-limit", "vegas")),
    "backoff-jitter": (("contention_calls", ("full-jitter",)), ("no-backoff", "exponential")),
    "breaker": (("fault_backend_load", ("pybreaker",)), ("no-breaker",)),
    "cache-tiers": (("backend_calls{backend:db}", ("three-tiers",)), ("no-cache", "edge")),
    "caching": (("hit_rate", ("swr",)), ("none", "dedup")),
    "capacity": (("latency p99", ("workers-16",)), ("workers-8",)),
    "three-tier-retries": (("amplification", ("budgets",)), ("every-tier",)),
    "tipping-point": (("recovery_time max", ("budget",)), ("immediate",)),
    "trace-replay": (("hit_rate", ("swr",)), ("none",)),
    "dashboard": (("ttfc p95", ("boundaries",)), ("sequential", "parallel")),
    "feed-pagination": (("duplicates", ("cursor", "infinite-scroll")), ("offset", "swr-offset")),
    "hedging": (("latency p99", ("hedge-100ms",)), ("no-hedge", "hedge-now")),
    "lifo-vs-fifo": (("goodput", ("lifo",)), ("fifo",)),
    "load-balancing": (("error_rate", ("p2c-ejection",)), ("round-robin",)),
    "tail-at-scale": (("latency p99", ("hedge-p95",)), ("no-hedge",)),
    "live-dashboard": (("visible_staleness", ("push",)), ("focus-only", "poll-10s")),
    "metastable-retries": (("recovery_time max", ("budget", "limiter")),
                           ("immediate", "throttle")),
    "prefetch": (("click_latency p95", ()), ("no-prefetch",)),
    "priority-shedding": (("success_rate{class:user}", ("priority", "priority-shed")),
                          ("fifo",)),
    "quickstart": (("latency p99", ("timeout-300ms",)), ("no-timeout",)),
    "retry-storm": (("goodput_end", ("budget", "drop-expired")), ("immediate",)),
    "todo-optimistic": (("perceived_latency p95", ("optimistic-rollback",)), ("pessimistic",)),
    "waterfall": (("ttac p95", ("parallel", "declared")), ("chained",)),
}
"""Each example's story, from its headline comment: who wins on the question it asks."""


def headline_leaders(lines: list[str], objective: str) -> set[str]:
    """The strategies a headline line names as leading on ``objective``."""
    for line in lines:
        match = re.match(rf"(.+?) (?:is best|tie as best|leads?) on {re.escape(objective)}:",
                         line)
        if match:
            return set(re.split(r", | and ", match.group(1)))
    raise AssertionError(f"no verdict on {objective} in {lines}")


def assert_terminal_fits(summary: dict[str, Any], width: int) -> None:
    """Every strategy name and objective value shows whole; nothing is cut with '…'."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=True, color_system=None)
    order = list(summary["strategies"])
    print_summary(console, summary, order, [], 1.0, out_dir="out")
    text = buffer.getvalue()
    assert "…" not in text
    assert all(len(line) <= width for line in text.splitlines()), text
    table = text.split("OBJECTIVES", 1)[1].split("█ RUN", 1)[0]
    words = set(table.split())
    for name in order:
        assert name in words, f"{name!r} cut at {width} columns:\n{text}"
        for goal in goals_present(summary):
            unit = unit_of(goal["key"])
            value = format_number(mean_of(summary, name, goal["key"]), unit)
            value = value.removesuffix(f" {unit}")  # a count's unit is in the header
            assert value in table, f"{value!r} ({key_label(goal['key'])}) cut:\n{text}"


HAR_EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "har").glob("*.yaml"))


@pytest.mark.parametrize("example", HAR_EXAMPLES, ids=[p.stem for p in HAR_EXAMPLES])
def test_generated_har_example_runs(example: Path, tmp_path: Path) -> None:
    """The scenarios `asyncsim import har` wrote for the HAR fixtures run, every strategy."""
    result = runner.invoke(cli, ["run", str(example), "--out", str(tmp_path), "-q",
                                 "--replications", "1", "--set", "duration=20s"])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert set(summary["strategies"]) == {"as-recorded", "all-parallel", "cached"}
    for name, strategy in summary["strategies"].items():
        assert strategy["values"]["requests"]["mean"] > 0, name


def test_the_bundled_trace_is_what_its_script_makes() -> None:
    """examples/trace-replay.csv is generated, not hand-edited (tools/make_trace_example.py)."""
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("make_trace", root / "tools" /
                                                  "make_trace_example.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (root / "examples" / "trace-replay.csv").read_text() == module.trace_rows()
