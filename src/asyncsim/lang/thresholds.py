"""Thresholds in k6's grammar: parse ``latency{strategy:swr}`` + ``p(99) < 300ms``.

A threshold is a *target* (a metric of the registry, with optional tag filters) and an
*expression* ``<aggregation> <operator> <value>``. Which aggregations a metric accepts
follows k6's table (trend: avg/min/med/max/p(N); rate: rate; counter: count/rate; gauge:
value). Values carry units as scenarios do: a time needs one (``300ms``; k6 reads a bare
number as ms, asyncsim refuses to guess), a share may be ``1%`` or ``0.01``, a counter's
rate is per second (``50/s``, ``3000/min`` or a bare number).

Unlike k6, an unknown metric or tag is an error, never a threshold that silently passes
(grafana/k6#1526). A threshold without a ``strategy`` tag applies to each strategy
separately. Evaluation against a summary lives with the reports (reports/gates/thresholds.py).

The metrics are a vocabulary passed in (a mapping of name to :class:`MetricInfo`), not a
registry imported here: scenarios validate their thresholds with this grammar and must not
depend on the reports that define the metrics. This module is pure: no I/O, no printing.
Errors carry the offset of the offending character so callers can point at it
(file:line:col for scenarios, the column of a ``--threshold`` option).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from .suggest import did_you_mean
from .units import parse_duration_s, parse_rate_per_s
from .value_key import ValueKey

Part = Literal["target", "expression"]


class MetricInfo(Protocol):
    """What the grammar needs to know of a metric; the reports' ``Metric`` has it."""

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str:
        """trend, rate, counter or gauge: which aggregations apply (:data:`AGGREGATIONS`)."""
        ...

    @property
    def unit(self) -> str:
        """``s`` for times, ``1`` for shares, anything else for counts."""
        ...

    @property
    def tags(self) -> tuple[str, ...]:
        """Tags a threshold may filter by besides ``strategy``."""
        ...


Metrics = Mapping[str, MetricInfo]
"""The vocabulary a threshold is parsed against: metric name -> what it is."""

TREND_STATS = ("avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "p(99.9)")
"""The statistics a summary holds for every trend metric (other p(N) only on request)."""

EQUAL_REL_TOL = 1e-9
"""Values this close count as equal. Why: simulated times carry float rounding (a request
cut by a 300 ms timeout measures 300.00000000001 ms), and ``p(99) <= 300ms`` must hold."""


def _equal(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=EQUAL_REL_TOL, abs_tol=1e-12)


OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b and not _equal(a, b),
    "<=": lambda a, b: a < b or _equal(a, b),
    ">": lambda a, b: a > b and not _equal(a, b),
    ">=": lambda a, b: a > b or _equal(a, b),
    "==": _equal, "===": _equal,
    "!=": lambda a, b: not _equal(a, b)}
"""k6's operators, with equality up to :data:`EQUAL_REL_TOL` (``===`` is ``==``: there is
no type coercion to avoid here)."""

AGGREGATIONS: dict[str, tuple[str, ...]] = {
    "trend": ("avg", "min", "med", "max", "p(N)"),
    "rate": ("rate",),
    "counter": ("count", "rate"),
    "gauge": ("value",),
}
"""Aggregations allowed per metric kind, as in k6's thresholds table."""

STRATEGY_TAG = "strategy"
FAULT_WINDOWS = ("before_fault", "during_fault", "after_fault")
"""Values of the ``window`` tag (``error_rate{window:after_fault}``): the measured time
before the first fault, the union of the fault windows, and the time after the last one."""
FAULT_TAGS = frozenset({"window", "fault"})
"""Tags that name time around a fault: a scenario without faults has no such values."""


def fault_labels(faults: Iterable[tuple[str, float, float]]) -> list[str]:
    """The ``fault`` tag value of each (backend, start, end), in the order given:
    ``<backend>#<n>``, the n-th fault of that backend by start time (from 1)."""
    listed = list(faults)
    order = sorted(range(len(listed)), key=lambda i: (listed[i][1], listed[i][0], listed[i][2]))
    seen: dict[str, int] = {}
    labels = [""] * len(listed)
    for index in order:
        backend = listed[index][0]
        seen[backend] = seen.get(backend, 0) + 1
        labels[index] = f"{backend}#{seen[backend]}"
    return labels
PERCENTILES_ANY_N = frozenset({"latency"})
"""Trend metrics for which any p(N) is computed (reduce_run's ``extra_percentiles``);
other trend metrics have only the percentiles of TREND_STATS."""

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATOR = re.compile(r"===|==|!=|<=|>=|<|>")
_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_AGGREGATION = re.compile(r"p\s*\(([^)]*)\)|[A-Za-z_][A-Za-z0-9_.]*")


class ThresholdError(ValueError):
    """A threshold that cannot be used; ``offset`` is the 0-based index of the culprit."""

    def __init__(self, message: str, part: Part, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.part = part
        self.offset = offset


@dataclass(frozen=True)
class Target:
    """``metric{tag:value,...}``: which metric, for which strategy, with which other tag."""

    metric: str
    definition: MetricInfo = field(compare=False, repr=False)
    strategy: str | None = None
    tag: str | None = None          # e.g. "backend:api"; at most one besides strategy
    text: str = ""


@dataclass(frozen=True)
class Expression:
    """``<aggregation> <operator> <value>``, the value converted to the metric's base unit."""

    aggregation: str                # "avg", "p(99)", "rate", ...
    operator: str
    limit: float
    text: str
    value_text: str = ""            # the limit as written: "300ms"

    @property
    def allowed(self) -> str:
        return f"{self.operator} {self.value_text}"


@dataclass(frozen=True)
class Threshold:
    target: Target
    expression: Expression
    abort_on_fail: bool = False
    delay_abort_eval_s: float = 0.0

    @property
    def text(self) -> str:
        """How the threshold is shown and named everywhere: ``latency: p(99) < 300ms``."""
        return f"{self.target.text}: {self.expression.text}"

    def applies_to(self, strategy: str) -> bool:
        return self.target.strategy is None or self.target.strategy == strategy

    @property
    def key(self) -> str:
        """The summary.json value key this threshold reads."""
        metric = self.target.definition
        stat = self.expression.aggregation if metric.kind == "trend" else None
        return str(ValueKey(self.target.metric, self.target.tag, stat))

    @property
    def per_second(self) -> bool:
        """A counter's ``rate`` is its count divided by the measured window (k6's meaning)."""
        return self.target.definition.kind == "counter" and self.expression.aggregation == "rate"

    @property
    def unit(self) -> str:
        return "1/s" if self.per_second else self.target.definition.unit

    def passes(self, observed: float | None) -> bool:
        """No value (NaN, missing) never passes: a gate that cannot be checked is not green."""
        if observed is None or math.isnan(observed):
            return False
        return OPERATORS[self.expression.operator](observed, self.expression.limit)


def parse_target(text: str, metrics: Metrics,
                 known: Mapping[str, Iterable[str]] | None = None) -> Target:
    """``latency{strategy:swr}`` -> Target, the name one of ``metrics``; ``known`` lists
    the valid values of some tags (``strategy``, ``backend``) so a typo in a name is caught
    too."""
    match = _NAME.match(text, _skip_spaces(text, 0))
    if match is None:
        raise ThresholdError("expected a metric name, e.g. latency or error_rate", "target",
                             _skip_spaces(text, 0))
    name = match.group()
    if name not in metrics:
        raise ThresholdError(f"unknown metric {name!r}{_hint(name, metrics)}", "target",
                             match.start())
    metric = metrics[name]
    pos = _skip_spaces(text, match.end())
    tags: dict[str, str] = {}
    if pos < len(text) and text[pos] == "{":
        close = text.find("}", pos)
        if close < 0:
            raise ThresholdError("unclosed '{' (write metric{tag:value})", "target", pos)
        tags = _parse_tags(text, pos + 1, close, metric, known or {})
        pos = _skip_spaces(text, close + 1)
    if pos < len(text):
        raise ThresholdError(f"unexpected {text[pos:]!r} after the metric (write "
                             "metric{tag:value})", "target", pos)
    strategy = tags.pop(STRATEGY_TAG, None)
    tag = next((f"{k}:{v}" for k, v in tags.items()), None)
    shown = [f"{STRATEGY_TAG}:{strategy}"] if strategy is not None else []
    shown += [tag] if tag is not None else []
    return Target(name, metric, strategy, tag,
                  name + ("{" + ",".join(shown) + "}" if shown else ""))


def _parse_tags(text: str, start: int, end: int, metric: MetricInfo,
                known: Mapping[str, Iterable[str]]) -> dict[str, str]:
    allowed = (STRATEGY_TAG, *metric.tags)
    tags: dict[str, str] = {}
    pos = start
    for item in text[start:end].split(","):
        name, colon, value = item.partition(":")
        at = pos + len(item) - len(item.lstrip())
        name, value = name.strip(), value.strip()
        if not colon or not name or not value:
            raise ThresholdError(f"expected tag:value, got {item.strip()!r}", "target", at)
        if name not in allowed:
            raise ThresholdError(f"{metric.name} has no tag {name!r} "
                                 f"(allowed: {', '.join(allowed)})", "target", at)
        if name in tags:
            raise ThresholdError(f"tag {name!r} is given twice", "target", at)
        values = sorted(known.get(name, ()))
        if values and value not in values:
            raise ThresholdError(f"unknown {name} {value!r}{_hint(value, values)} "
                                 f"(allowed: {', '.join(values)})", "target",
                                 at + item.strip().index(":") + 1)
        tags[name] = value
        pos += len(item) + 1
    if len(tags) - (STRATEGY_TAG in tags) > 1:
        raise ThresholdError("at most one tag besides strategy (values are kept per tag)",
                             "target", start)
    return tags


def parse_expression(text: str, metric: MetricInfo) -> Expression:
    """``p(99) < 300ms`` for ``metric`` -> Expression with the limit in base units."""
    pos = _skip_spaces(text, 0)
    match = _AGGREGATION.match(text, pos)
    allowed = ", ".join(AGGREGATIONS[metric.kind])
    if match is None:
        raise ThresholdError(f"expected an aggregation ({allowed} for {metric.kind} "
                             f"{metric.name})", "expression", pos)
    aggregation = _aggregation(match, metric, allowed)
    pos = _skip_spaces(text, match.end())
    op = _OPERATOR.match(text, pos)
    if op is None and text.startswith("=", pos):
        raise ThresholdError("write == to compare, not =", "expression", pos)
    if op is None:
        got = text[pos:pos + 2] or "nothing"
        raise ThresholdError(f"expected an operator (<, <=, >, >=, ==, ===, !=) after "
                             f"{aggregation}, got {got!r}", "expression", pos)
    pos = _skip_spaces(text, op.end())
    value = text[pos:].strip()
    if not value or value[0] in "<>=!":
        raise ThresholdError(f"expected a value after {op.group()!r}, got "
                             f"{value[:2] or 'nothing'!r}", "expression", pos)
    try:
        limit = parse_limit(value, metric, aggregation)
    except ValueError as err:
        raise ThresholdError(str(err), "expression", pos) from None
    return Expression(aggregation, op.group(), limit, text.strip(), value)


def _aggregation(match: re.Match[str], metric: MetricInfo, allowed: str) -> str:
    word = match.group()
    if match.group(1) is not None:
        aggregation = f"p({_percentile(match.group(1), match.start(1))})"
        word = "p(N)"
    elif re.fullmatch(r"p[0-9.]+", word):
        raise ThresholdError(f"write p({word[1:]}), not {word}", "expression", match.start())
    else:
        aggregation = word
    if word not in AGGREGATIONS[metric.kind]:
        known = {a for kind in AGGREGATIONS.values() for a in kind}
        what = (f"{aggregation} does not apply to" if word in known
                else f"unknown aggregation {aggregation!r} for")
        raise ThresholdError(f"{what} {metric.kind} {metric.name} (allowed: {allowed})",
                             "expression", match.start())
    problem = percentile_problem(metric.name, aggregation)
    if problem is not None:
        raise ThresholdError(problem, "expression", match.start())
    return aggregation


def extra_percentile(metric: str, stat: str | None) -> float | None:
    """N when ``stat`` is a p(N) of ``metric`` that summaries lack unless asked for."""
    if (stat is None or not stat.startswith("p(") or stat in TREND_STATS
            or metric not in PERCENTILES_ANY_N):
        return None
    return float(stat[2:-1])


def percentile_problem(metric: str, stat: str) -> str | None:
    """Why ``stat`` (a p(N)) is never computed for ``metric``, or None when it is."""
    if not stat.startswith("p(") or stat in TREND_STATS or metric in PERCENTILES_ANY_N:
        return None
    listed = ", ".join(s for s in TREND_STATS if s.startswith("p("))
    return (f"{metric} has only {listed} (any p(N) works for "
            f"{', '.join(sorted(PERCENTILES_ANY_N))})")


def _percentile(text: str, offset: int) -> str:
    """N of p(N): a number in [0, 100] that prints back exactly (it names a summary key)."""
    try:
        value = float(text)
    except ValueError:
        raise ThresholdError(f"p(N) needs a number N, got {text.strip()!r}", "expression",
                             offset) from None
    if not 0 <= value <= 100:  # also refuses NaN, as k6 does
        raise ThresholdError(f"p(N) needs 0 <= N <= 100, got {text.strip()}", "expression",
                             offset)
    shown = f"{value:g}"
    if float(shown) != value:
        raise ThresholdError(f"p({text.strip()}) has too many digits (at most 6 significant)",
                             "expression", offset)
    return shown


def parse_limit(text: str, metric: MetricInfo, aggregation: str) -> float:
    """The value of an expression in the metric's base unit (seconds, share, count/s)."""
    bare = _NUMBER.fullmatch(text)
    if metric.kind == "counter" and aggregation == "rate":
        return float(text) if bare else parse_rate_per_s(text)
    if aggregation != "count" and metric.unit == "s":
        if bare:
            raise ValueError(f"{text} has no unit: write {text}ms or {text}s (a bare number "
                             "would be ms in k6; asyncsim wants the unit)")
        return parse_duration_s(text)
    if bare:
        return float(text)
    if metric.unit == "1" and text.endswith("%") and _NUMBER.fullmatch(text[:-1].strip()):
        return float(text[:-1]) / 100
    hint = " or a percentage like 1%" if metric.unit == "1" else ""
    raise ValueError(f"{text!r} is not a number{hint} ({metric.name} is in "
                     f"{_unit_name(metric.unit)})")


def _unit_name(unit: str) -> str:
    return "a share from 0 to 1" if unit == "1" else unit


def split_cli_threshold(text: str) -> tuple[str, str, int]:
    """``'latency{strategy:swr}: p(99) < 300ms'`` -> (target, expression, expression offset).

    The separator is the first ``:`` outside braces (tags contain colons too).
    """
    depth = 0
    for index, char in enumerate(text):
        depth += (char == "{") - (char == "}")
        if char == ":" and depth == 0:
            return text[:index], text[index + 1:], index + 1
    raise ThresholdError("expected 'metric: expression', e.g. 'latency: p(99) < 300ms'",
                         "target", len(text))


def parse_threshold(target: str, expression: str, metrics: Metrics,
                    known: Mapping[str, Iterable[str]] | None = None,
                    abort_on_fail: bool = False, delay_abort_eval_s: float = 0.0) -> Threshold:
    """One threshold (``target: [expression]`` in a scenario), checked against ``metrics``."""
    parsed = parse_target(target, metrics, known)
    return Threshold(parsed, parse_expression(expression, parsed.definition), abort_on_fail,
                     delay_abort_eval_s)


def _skip_spaces(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _hint(word: str, candidates: Iterable[str]) -> str:
    close = did_you_mean(word, candidates)
    return f" (did you mean {close!r}?)" if close else ""
