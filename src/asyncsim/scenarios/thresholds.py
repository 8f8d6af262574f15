"""The ``thresholds:`` section of a scenario, in k6's shape.

```yaml
thresholds:
  "latency{strategy:swr}": ["p(99) < 300ms", "avg < 100ms"]     # short form
  error_rate:
    - {threshold: "rate < 1%", abort_on_fail: true, delay_abort_eval: 1m}   # long form
```

The models only keep the text; ``threshold_problems`` (scenarios/checks.py) parses it with
the grammar of :mod:`asyncsim.reports.thresholds` against the metric registry and this
scenario's strategies and backends, so a typo anywhere is an error at its line and column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Discriminator, Field, Tag

from asyncsim.reports.thresholds import Threshold, parse_threshold
from asyncsim.scenarios.base import Model
from asyncsim.scenarios.units import Duration

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
    """Tag values a threshold may name: a strategy or backend that is not here is a typo."""
    return {"strategy": list(scenario.strategies), "backend": list(scenario.backends)}


def long_form(item: ThresholdItem) -> ThresholdConfig:
    return ThresholdConfig(threshold=item) if isinstance(item, str) else item


def scenario_thresholds(scenario: Scenario) -> list[Threshold]:
    """The parsed thresholds of a validated scenario, in the order they are written."""
    known = known_tag_values(scenario)
    return [parse_threshold(target, config.threshold, known, config.abort_on_fail,
                            config.delay_abort_eval)
            for target, items in scenario.thresholds.items()
            for config in map(long_form, items)]
