"""``asyncsim metrics``: the metric vocabulary, from the registry."""

from __future__ import annotations

from dataclasses import dataclass

from asyncsim.reports.metrics.catalog import REGISTRY


@dataclass(frozen=True)
class MetricLine:
    """One metric as the listing shows it."""

    name: str
    """The name with its tags: ``backend_calls {backend}``."""
    facts: str
    """``counter, calls, lower is better``."""
    meaning: str


def metric_lines() -> list[MetricLine]:
    """Every metric in registry order (families in their fixed order)."""
    lines = []
    for m in REGISTRY.values():
        tags = f" {{{','.join(m.tags)}}}" if m.tags else ""
        better = "neutral" if m.better == "none" else f"{m.better} is better"
        lines.append(MetricLine(f"{m.name}{tags}", f"{m.kind}, {m.unit}, {better}", m.meaning))
    return lines
