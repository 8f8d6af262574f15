"""The registry: one definition per metric, a stable family order, idle pattern metrics."""

from __future__ import annotations

import math

from rich.console import Console

from asyncsim.reports.catalog import FAMILY_ORDER, REGISTRY
from asyncsim.reports.render.terminal import results_table


def test_families_are_listed_in_a_fixed_order() -> None:
    families = [m.family for m in REGISTRY.values()]
    ranks = [FAMILY_ORDER.index(f) for f in families]
    assert ranks == sorted(ranks)
    assert next(iter(REGISTRY)) == "latency"


def test_every_metric_has_a_unit_a_direction_and_a_meaning() -> None:
    for metric in REGISTRY.values():
        assert metric.unit and metric.meaning and metric.better in ("lower", "higher", "none")
        assert metric.family in FAMILY_ORDER, metric.name


def test_pattern_metrics_at_their_idle_value_say_nothing() -> None:
    assert REGISTRY["hit_rate"].says_nothing([0.0, 0.0])
    assert REGISTRY["miss_rate"].says_nothing([1.0, math.nan, None])
    assert not REGISTRY["miss_rate"].says_nothing([1.0, 0.7])
    assert not REGISTRY["success_rate"].says_nothing([0.0])  # core metrics always speak


def test_terminal_hides_rows_that_say_nothing() -> None:
    def entry(mean: float) -> dict[str, float]:
        return {"mean": mean, "ci95_low": mean, "ci95_high": mean}

    summary = {"strategies": {s: {"values": {"hit_rate": entry(0.0), "miss_rate": entry(1.0),
                                             "success_rate": entry(1.0),
                                             "fallback_rate": entry(0.1 if s == "b" else 0.0)}}
                              for s in ("a", "b")}}
    console = Console(width=120, record=True)
    console.print(results_table(summary, ["a", "b"]))
    text = console.export_text()
    assert "success_rate" in text and "fallback_rate" in text
    assert "hit_rate" not in text and "miss_rate" not in text
