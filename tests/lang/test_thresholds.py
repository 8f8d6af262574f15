"""The threshold grammar against a vocabulary of its own: lang needs no registry."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from asyncsim.lang.thresholds import Metrics, ThresholdError, parse_threshold


@dataclass(frozen=True)
class ToyMetric:
    name: str
    kind: str
    unit: str
    tags: tuple[str, ...] = ()


TOY: Metrics = {"wait": ToyMetric("wait", "trend", "s"),
                "hits": ToyMetric("hits", "counter", "req", ("shelf",))}


def test_a_vocabulary_passed_in_decides_names_units_and_tags() -> None:
    threshold = parse_threshold("wait{strategy:a}", "p(95) < 250ms", TOY)
    assert (threshold.key, threshold.expression.limit) == ("wait.p(95)", 0.25)
    assert parse_threshold("hits{shelf:top}", "rate < 5/s", TOY).per_second
    with pytest.raises(ThresholdError, match="unknown metric 'latency'"):
        parse_threshold("latency", "avg < 1s", TOY)
    with pytest.raises(ThresholdError, match="hits has no tag 'backend'"):
        parse_threshold("hits{backend:x}", "count < 1", TOY)
