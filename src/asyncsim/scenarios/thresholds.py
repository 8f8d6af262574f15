"""The ``thresholds:`` section of a scenario, in k6's shape, parsed once at validation.

```yaml
thresholds:
  "latency{strategy:swr}": ["p(99) < 300ms", "avg < 100ms"]     # short form
  error_rate:
    - {threshold: "rate < 1%", abort_on_fail: true, delay_abort_eval: 1m}   # long form
```

The models keep the text; :func:`parse_thresholds` parses it with the grammar of
:mod:`asyncsim.lang.thresholds` against the metric vocabulary the caller passes in (the
scenarios do not know the reports' registry) and this scenario's strategies and backends,
so a typo anywhere is an error at its line and column, and the parsed thresholds are kept
on the loaded scenario.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Discriminator, Field, Tag

from asyncsim.lang.thresholds import (
    FAULT_TAGS,
    FAULT_WINDOWS,
    Metrics,
    Threshold,
    ThresholdError,
    fault_labels,
    parse_threshold,
)
from asyncsim.scenarios.base import KEY, Loc, Model, Problems
from asyncsim.scenarios.types import Duration

if TYPE_CHECKING:
    from asyncsim.scenarios.models import Scenario

class ThresholdConfig(Model):
    """The long form of a threshold, for ``abort_on_fail`` (k6's abortOnFail)."""

    threshold: str = Field(description="<aggregation> <operator> <value>, e.g. 'p(99) < 300ms'")
    abort_on_fail: bool = Field(
        default=False, description="stop each run as soon as this threshold fails in it")
    delay_abort_eval: Duration = Field(
        default=0.0, ge=0,
        description="simulated time from the start before abort_on_fail is checked")


def _form(value: Any) -> str | None:
    if isinstance(value, str):
        return "short"
    return "long" if isinstance(value, dict | ThresholdConfig) else None


ThresholdItem = Annotated[
    Annotated[str, Tag("short")] | Annotated[ThresholdConfig, Tag("long")],
    Discriminator(_form, custom_error_type="threshold_form",
                  custom_error_message="a threshold is an expression like 'p(99) < 300ms' "
                                       "or a mapping {threshold: ..., abort_on_fail: true}")]
"""A threshold in short form (the expression) or long form (a mapping); the form is
chosen by the value's type so an error speaks of that form only."""


def known_tag_values(scenario: Scenario) -> dict[str, list[str]]:
    """Tag values a threshold may name: a strategy, backend or fault that is not here is a
    typo."""
    faults = [(name, f.at, f.at + f.for_) for name, b in scenario.backends.items()
              for f in b.faults]
    known = {"strategy": list(scenario.strategies), "backend": list(scenario.backends)}
    if scenario.workload.classes:
        known["class"] = list(scenario.workload.classes)
    if faults:
        known.update(window=list(FAULT_WINDOWS), fault=fault_labels(faults))
    return known


def long_form(item: ThresholdItem) -> ThresholdConfig:
    return ThresholdConfig(threshold=item) if isinstance(item, str) else item


def parse_thresholds(scenario: Scenario, metrics: Metrics) -> tuple[list[Threshold], Problems]:
    """The parsed thresholds in the order they are written, and every one that does not
    parse or does not fit the run, located.

    A target problem points at the key (:data:`KEY`); an expression problem at the
    expression, naming the character where it goes wrong.
    """
    parsed: list[Threshold] = []
    problems: Problems = []
    known = known_tag_values(scenario)
    for target, items in scenario.thresholds.items():
        if not items:
            problems.append((("thresholds", target), "list at least one expression, e.g. "
                                                     "['p(99) < 300ms']"))
        for index, item in enumerate(items):
            config = long_form(item)
            loc: Loc = ("thresholds", target, index) + (() if isinstance(item, str)
                                                         else ("threshold",))
            try:
                threshold = parse_threshold(target, config.threshold, metrics, known,
                                            config.abort_on_fail, config.delay_abort_eval)
                tag = threshold.target.tag
                tag_name = tag.partition(":")[0] if tag is not None else None
                if tag_name in FAULT_TAGS and "window" not in known:
                    raise ThresholdError(f"{tag} names time around a fault, but no backend "
                                         "of this scenario has faults", "target")
                if tag_name == "class" and "class" not in known:
                    raise ThresholdError(f"{tag} names a request class, but the workload "
                                         "has no classes", "target")
                parsed.append(threshold)
            except ThresholdError as err:
                if err.part == "target":
                    problems.append((("thresholds", target, KEY), err.message))
                    break
                problems.append((loc, f"{config.threshold!r}: {err.message} "
                                      f"(at character {err.offset + 1})"))
            problems.extend(_abort_problems(scenario, config, loc[:3]))
    return parsed, problems


def _abort_problems(scenario: Scenario, config: ThresholdConfig,
                    loc: Loc) -> Problems:
    if config.delay_abort_eval > 0 and not config.abort_on_fail:
        return [((*loc, "delay_abort_eval"),
                 "delay_abort_eval only delays abort_on_fail checks: set abort_on_fail: true "
                 "or remove it")]
    if config.abort_on_fail and config.delay_abort_eval >= scenario.duration:
        return [((*loc, "delay_abort_eval"),
                 f"delay_abort_eval ({config.delay_abort_eval:g}s) is not shorter than the "
                 f"run ({scenario.duration:g}s): the abort would never be checked")]
    return []
