"""The yes/no outcome explore looks for, read from one run's metric values.

Two forms: a per-run yes/no metric (``metastable``, ``recovered``, optionally tagged:
``metastable{fault:api#1}``), whose value is 1 or 0 in each run; or a threshold in the k6
grammar (``'recovery_time: max < 30s'``), where *yes* means the threshold **fails** in
that run, so that, as with ``metastable``, yes is the bad side the tipping point leads to.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from asyncsim.lang.suggest import did_you_mean
from asyncsim.lang.thresholds import (
    Threshold,
    ThresholdError,
    parse_threshold,
    split_cli_threshold,
)
from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.gates.thresholds import observed_in_run
from asyncsim.reports.metrics.catalog import REGISTRY

RECOVERY_FAMILY = "recovery"


class OutcomeError(ValueError):
    """An --outcome that cannot be used; ``offset`` is the 0-based column of the culprit."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Outcome:
    text: str
    key: str | None = None            # a yes/no metric's value key
    threshold: Threshold | None = None

    @property
    def label(self) -> str:
        """What P(yes) is the probability of, for titles and explore.json."""
        return self.key if self.key is not None else f"fails '{self.text}'"

    @property
    def metric(self) -> str:
        if self.threshold is not None:
            return self.threshold.target.metric
        return ValueKey.parse(self.key or "").name

    @property
    def needs_fault(self) -> bool:
        """Recovery metrics have a value only after a fault."""
        return REGISTRY[self.metric].family == RECOVERY_FAMILY

    def applies_to(self, strategy: str) -> bool:
        return self.threshold is None or self.threshold.applies_to(strategy)

    def extra_percentiles(self) -> tuple[float, ...]:
        from asyncsim.reports.gates.thresholds import extra_percentiles

        return extra_percentiles([self.threshold]) if self.threshold is not None else ()

    def flag(self, values: Mapping[str, float], window_s: float) -> bool | None:
        """Yes or no in one run; None when the run has no value (no fault analysed)."""
        if self.threshold is not None:
            observed = observed_in_run(self.threshold, values, window_s)
            return None if observed is None else not self.threshold.passes(observed)
        value = values.get(self.key or "")
        if value is None or math.isnan(value):
            return None
        return value >= 0.5


def parse_outcome(text: str, known: Mapping[str, Iterable[str]] | None = None) -> Outcome:
    """``metastable`` (a yes/no metric) or ``'metric{tags}: expression'`` (a threshold)."""
    if _has_colon_outside_braces(text):
        try:
            target, expression, offset = split_cli_threshold(text)
            threshold = parse_threshold(target, expression, REGISTRY, known)
        except ThresholdError as error:
            raise OutcomeError(error.message, error.offset + (
                offset if error.part == "expression" else 0)) from None
        return Outcome(text.strip(), threshold=threshold)
    stripped = text.strip()
    try:
        key = ValueKey.parse(stripped)
    except ValueError as error:
        raise OutcomeError(f"{stripped!r} is not a metric name: {error}") from None
    yes_no = sorted(n for n, m in REGISTRY.items() if m.interval == "wilson")
    metric = REGISTRY.get(key.name)
    if metric is None:
        close = did_you_mean(key.name, REGISTRY)
        hint = f"did you mean {close!r}? " if close else ""
        raise OutcomeError(f"no metric {key.name!r} ({hint}a yes/no metric: "
                           f"{', '.join(yes_no)}; or a threshold such as "
                           "'recovery_time: max < 30s')")
    if metric.interval != "wilson":
        raise OutcomeError(f"{key.name!r} is not yes or no per run (a yes/no metric: "
                           f"{', '.join(yes_no)}; or a threshold on it, e.g. "
                           f"'{key.name}: ...')")
    if key.tag is not None and key.tag.split(":", 1)[0] not in metric.tags:
        raise OutcomeError(f"{key.name!r} has no tag {key.tag.split(':', 1)[0]!r} "
                           f"(its tags: {', '.join(metric.tags) or 'none'})",
                           len(key.name) + 1)
    return Outcome(stripped, key=str(key))


def _has_colon_outside_braces(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if char == ":" and depth == 0:
            return True
    return False
