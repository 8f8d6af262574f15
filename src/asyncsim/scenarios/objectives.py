"""The ``objectives:`` section: the question a scenario asks, in the metrics that answer it.

```yaml
objectives:
  minimise: ["ttac.p(95)"]          # value keys, as summary.json names them
  maximise: [goodput_end]
  constraints: ["backend_calls <= 20000"]   # a strategy breaking one cannot win
```

Why its own section and not thresholds: a threshold says pass or fail; an objective says
which way is better, so the headline can name a winner and the tradeoff chart can put
strategies on the axes the scenario cares about. Without this section the reports pick
the key metrics of the workload family. Names are checked against the metric vocabulary
the caller passes in (the scenarios do not know the reports' registry), as thresholds are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from asyncsim.lang.suggest import did_you_mean
from asyncsim.lang.thresholds import TREND_STATS, Metrics, parse_limit, percentile_problem
from asyncsim.lang.value_key import ValueKey
from asyncsim.scenarios.base import Loc, Model, Problems

Direction = Literal["lower", "higher"]
OPERATORS = ("<=", ">=", "<", ">")
_CONSTRAINT = re.compile(r"^\s*(?P<key>.+?)\s*(?P<op><=|>=|<|>)\s*(?P<limit>\S.*?)\s*$")


class ObjectivesConfig(Model):
    """What the scenario asks: metrics to minimise or maximise, and limits a winner keeps."""

    minimise: list[str] = Field(
        default_factory=list, description="value keys where lower is better, e.g. 'ttac.p(95)'")
    maximise: list[str] = Field(
        default_factory=list, description="value keys where higher is better, e.g. goodput_end")
    constraints: list[str] = Field(
        default_factory=list,
        description="'<value key> <op> <limit>' with <=, <, >=, >, e.g. 'backend_calls <= "
                    "20000': a strategy that breaks one is not a winner")


@dataclass(frozen=True)
class Objective:
    key: str
    """A summary.json value key, e.g. ``ttac.p(95)``."""
    direction: Direction


@dataclass(frozen=True)
class Constraint:
    key: str
    operator: str
    limit: float
    """In the metric's base unit (seconds, share, count)."""
    text: str

    def holds(self, value: float) -> bool:
        return {"<=": value <= self.limit, "<": value < self.limit,
                ">=": value >= self.limit, ">": value > self.limit}[self.operator]


@dataclass(frozen=True)
class Objectives:
    goals: tuple[Objective, ...] = ()
    constraints: tuple[Constraint, ...] = ()


def key_problem(text: str, metrics: Metrics) -> str | None:
    """Why ``text`` does not name one value of the summary, or None when it does."""
    try:
        key = ValueKey.parse(text.strip())
    except ValueError as err:
        return str(err)
    if key.name not in metrics:
        hint = did_you_mean(key.name, metrics)
        return f"unknown metric {key.name!r}" + (f" (did you mean {hint!r}?)" if hint else "")
    metric = metrics[key.name]
    if metric.kind == "trend":
        if key.stat is None:
            return (f"{key.name} is a trend: name a statistic, e.g. {key.name}.p(95) "
                    f"(one of {', '.join(TREND_STATS)})")
        if key.stat not in TREND_STATS and not key.stat.startswith("p("):
            return f"unknown statistic {key.stat!r} (one of {', '.join(TREND_STATS)})"
        problem = percentile_problem(key.name, key.stat)
        if problem:
            return problem
    elif key.stat is not None:
        return f"{key.name} is a {metric.kind} with one value: write {key.name} without .stat"
    if key.tag is not None and key.tag.partition(":")[0] not in metric.tags:
        allowed = ", ".join(metric.tags) or "none"
        return f"{key.name} has no tag {key.tag.partition(':')[0]!r} (tags: {allowed})"
    return None


def parse_objectives(config: ObjectivesConfig | None,
                     metrics: Metrics) -> tuple[Objectives | None, Problems]:
    """The parsed objectives (None when the scenario states none) and every problem, at
    its item."""
    if config is None:
        return None, []
    problems: Problems = []
    goals: list[Objective] = []
    sides: tuple[tuple[str, Direction], ...] = (("minimise", "lower"), ("maximise", "higher"))
    for field, direction in sides:
        for index, text in enumerate(getattr(config, field)):
            problem = key_problem(text, metrics)
            if problem:
                problems.append((("objectives", field, index), problem))
            else:
                goals.append(Objective(str(ValueKey.parse(text.strip())), direction))
    constraints: list[Constraint] = []
    for index, text in enumerate(config.constraints):
        loc: Loc = ("objectives", "constraints", index)
        match = _CONSTRAINT.match(text)
        if match is None:
            problems.append((loc, f"{text!r}: write '<value key> <op> <limit>' with one of "
                                  f"{', '.join(OPERATORS)}, e.g. 'backend_calls <= 20000'"))
            continue
        problem = key_problem(match["key"], metrics)
        if problem:
            problems.append((loc, f"{text!r}: {problem}"))
            continue
        key = ValueKey.parse(match["key"])
        try:
            limit = parse_limit(match["limit"], metrics[key.name], key.stat or "value")
        except ValueError as err:
            problems.append((loc, f"{text!r}: {err}"))
            continue
        constraints.append(Constraint(str(key), match["op"], limit, text.strip()))
    if not goals and not problems:
        problems.append((("objectives",), "name at least one metric to minimise or maximise"))
    return Objectives(tuple(goals), tuple(constraints)), problems
