"""Regression gates against a baseline summary.json, in pytest-benchmark's grammar.

``--compare-fail STAT:TOLERANCE`` (repeatable), as ``--benchmark-compare-fail``::

    STAT      := ALIAS | TARGET ["." TREND_STAT]
    ALIAS     := avg | mean | min | max | med | median | pN | p(N)   (a statistic of latency)
    TREND_STAT:= the same words: latency.p99 = latency.p(99), latency.mean = latency.avg
    TARGET    := metric{tag:value,...}  as in thresholds (strategy, backend, ... tags)
    TOLERANCE := [+|-]N%              relative to the baseline mean
               | [+|-]N[unit]         absolute, in the metric's unit; a time takes a unit
                                      (20ms) or is in seconds when bare, as in pytest-benchmark

Examples: ``p99:5%``, ``latency{strategy:swr}.p(99.9):10%``, ``hit_rate:-0.02``,
``backend_calls:+3%``, ``mean:0.010``.

Direction comes from the registry: a metric whose lower values are better regresses when
it grows, one whose higher values are better when it shrinks. A sign is optional and
must agree (``hit_rate:-0.02`` reads "a drop of 0.02"); for a metric without a better
direction the sign picks the direction, and no sign means a change either way.

A regression must be both (as asv does): beyond the tolerance, and statistically
significant given the replications stored in summary.json. The test is one-sided at
2.5% (the 95% two-sided t quantile): *paired* on replication i when both summaries come
from the same seed with the same replication count (common random numbers make the
pairs tight), Welch's otherwise. With a single replication on either side there is no
variance to test, and the tolerance alone decides.

Self-contained on purpose: ``asyncsim compare`` (reports/compare/) shows differences;
this module only decides pass or fail.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from asyncsim.lang.thresholds import Target, ThresholdError, parse_target, percentile_problem
from asyncsim.lang.units import parse_duration_s
from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.reports.stats import t_quantile_975

Direction = Literal["up", "down", "both"]
ALIASES = {"avg": "avg", "mean": "avg", "min": "min", "max": "max", "med": "med",
           "median": "med"}
_PERCENTILE = re.compile(r"p\(?\s*([0-9]+(?:\.[0-9]+)?)\s*\)?")
_NUMBER = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_TOLERANCE = re.compile(rf"([-+]?)\s*({_NUMBER})\s*(%|[a-zµ]*)")


@dataclass(frozen=True)
class CompareGate:
    """One ``--compare-fail`` rule: which value, how much worse is too much."""

    text: str
    target: Target
    stat: str | None            # "p(99)" for a trend metric, None otherwise
    tolerance: float            # >= 0: a share of the baseline when relative, else absolute
    relative: bool
    direction: Direction

    @property
    def key(self) -> str:
        return str(ValueKey(self.target.metric, self.target.tag, self.stat))

    @property
    def allowed(self) -> str:
        """The tolerance as a signed change: ``+5%``, ``-0.02``, ``±10ms``."""
        sign = {"up": "+", "down": "-", "both": "±"}[self.direction]
        if self.relative:
            return f"{sign}{self.tolerance * 100:g}%"
        unit = self.target.definition.unit
        return f"{sign}{self.tolerance * 1e3:g}ms" if unit == "s" else f"{sign}{self.tolerance:g}"

    def applies_to(self, strategy: str) -> bool:
        return self.target.strategy is None or self.target.strategy == strategy


def parse_compare_fail(text: str) -> CompareGate:
    """``p99:5%`` -> CompareGate; a ThresholdError (with offset) when it does not parse."""
    colon = _last_colon(text)
    if colon < 0:
        raise ThresholdError("expected STAT:TOLERANCE, e.g. p99:5% or hit_rate:-0.02",
                             "target", len(text))
    stat_text, tolerance_text = text[:colon], text[colon + 1:]
    target, stat = _parse_stat(stat_text)
    metric = target.definition
    match = _TOLERANCE.fullmatch(tolerance_text.strip())
    where = colon + 1 + len(tolerance_text) - len(tolerance_text.lstrip())
    if match is None:
        raise ThresholdError(f"expected a tolerance like 5% or 0.02, got "
                             f"{tolerance_text.strip()!r}", "expression", where)
    sign, number, unit = match.group(1), float(match.group(2)), match.group(3)
    relative = unit == "%"
    if relative:
        tolerance = number / 100
    elif unit and metric.unit == "s":
        try:
            tolerance = parse_duration_s(f"{match.group(2)}{unit}")
        except ValueError as err:
            raise ThresholdError(str(err), "expression", where) from None
    elif unit:
        raise ThresholdError(f"{metric.name} takes a bare number or N% (got unit "
                             f"{unit!r})", "expression", where)
    else:
        tolerance = number
    return CompareGate(text.strip(), target, stat, tolerance, relative,
                       _direction(REGISTRY[metric.name].better, sign, metric.name, where))


def _last_colon(text: str) -> int:
    depth, found = 0, -1
    for index, char in enumerate(text):
        depth += (char == "{") - (char == "}")
        if char == ":" and depth == 0:
            found = index
    return found


def _parse_stat(text: str) -> tuple[Target, str | None]:
    word = text.strip()
    stat = _trend_stat(word)
    if stat is not None:
        return parse_target("latency", REGISTRY), stat
    close = text.rfind("}")
    dot = text.find(".", close + 1 if close >= 0 else 0)
    target = parse_target(text if dot < 0 else text[:dot], REGISTRY)
    metric = target.definition
    if dot < 0:
        if metric.kind == "trend":
            raise ThresholdError(f"{metric.name} needs a statistic, e.g. "
                                 f"{metric.name}.p(99) or {metric.name}.avg", "target",
                                 len(text))
        return target, None
    stat = _trend_stat(text[dot + 1:].strip())
    if metric.kind != "trend":
        raise ThresholdError(f"{metric.name} is a {metric.kind}: write just {metric.name}, "
                             "without a statistic", "target", dot + 1)
    if stat is None:
        raise ThresholdError(f"unknown statistic {text[dot + 1:].strip()!r} (allowed: avg, "
                             "mean, min, max, med, median, pN or p(N))", "target", dot + 1)
    problem = percentile_problem(metric.name, stat)
    if problem is not None:
        raise ThresholdError(problem, "target", dot + 1)
    return target, stat


def _trend_stat(word: str) -> str | None:
    if word in ALIASES:
        return ALIASES[word]
    match = _PERCENTILE.fullmatch(word)
    if match is None or not 0 <= float(match.group(1)) <= 100:
        return None
    return f"p({float(match.group(1)):g})"


def _direction(better: str, sign: str, name: str, where: int) -> Direction:
    """The way a change is a regression: from the registry, else from the sign."""
    given: Direction | None = "up" if sign == "+" else "down" if sign == "-" else None
    if better == "none":
        return given or "both"
    worse: Direction = "up" if better == "lower" else "down"
    if given is not None and given != worse:
        way = "an increase" if worse == "up" else "a decrease"
        raise ThresholdError(f"for {name} {better} is better, so a regression is {way}: "
                             f"drop the sign or write {'+' if worse == 'up' else '-'}",
                             "expression", where)
    return worse


# ----------------------------------------------------------------------------- comparing


@dataclass(frozen=True)
class Comparison:
    """One gate on one strategy: the numbers and the verdict."""

    gate: CompareGate
    strategy: str
    baseline: float | None
    current: float | None
    change: float | None        # current - baseline
    ci95: tuple[float, float] | None   # of the change
    test: str                   # "paired t", "Welch t", "tolerance only", "skipped"
    significant: bool
    regressed: bool
    note: str = ""

    @property
    def skipped(self) -> bool:
        return self.test == "skipped"

    @property
    def relative_change(self) -> float | None:
        if self.change is None or not self.baseline:
            return None
        return self.change / abs(self.baseline)

    def to_json(self) -> dict[str, Any]:
        g = self.gate
        return {"gate": g.text, "strategy": self.strategy, "key": g.key,
                "direction": g.direction, "tolerance": g.tolerance, "relative": g.relative,
                "allowed": g.allowed, "baseline": self.baseline, "current": self.current,
                "change": self.change, "relative_change": self.relative_change,
                "ci95": list(self.ci95) if self.ci95 else None, "test": self.test,
                "significant": self.significant, "regressed": self.regressed,
                "note": self.note}


def compare(gates: Sequence[CompareGate], current: Mapping[str, Any],
            baseline: Mapping[str, Any]) -> list[Comparison]:
    """Every gate on every strategy both summaries have (strategies in name order)."""
    paired = (current["scenario"].get("seed") == baseline["scenario"].get("seed"))
    out = []
    for gate in gates:
        for strategy in sorted(current["strategies"]):
            if gate.applies_to(strategy):
                out.append(_compare_one(gate, strategy, current, baseline, paired))
    return out


def _reps(summary: Mapping[str, Any], strategy: str, key: str) -> list[float]:
    """Per-replication values in replication order; NaN where a run had none (null)."""
    found = summary["strategies"].get(strategy, {}).get("replications", {}).get(key) or []
    return [math.nan if v is None else float(v) for v in found]


def _finite(values: Sequence[float]) -> list[float]:
    return [v for v in values if not math.isnan(v)]


def _compare_one(gate: CompareGate, strategy: str, current: Mapping[str, Any],
                 baseline: Mapping[str, Any], same_seed: bool) -> Comparison:
    cur_reps, base_reps = _reps(current, strategy, gate.key), _reps(baseline, strategy, gate.key)
    cur, base = _finite(cur_reps), _finite(base_reps)
    if not cur or not base:
        missing = "the baseline" if not base else "this run"
        if strategy not in baseline["strategies"]:
            note = "the baseline has no such strategy"
        else:
            note = f"no value for {gate.key} in {missing}"
        return Comparison(gate, strategy, _mean(base), _mean(cur), None, None, "skipped",
                          False, False, note)
    b, c = _mean(base), _mean(cur)
    assert b is not None and c is not None
    change = c - b
    sign = {"up": 1.0, "down": -1.0, "both": 1.0}[gate.direction]
    worse = abs(change) if gate.direction == "both" else sign * change
    allowed = gate.tolerance * abs(b) if gate.relative else gate.tolerance
    test, t, df, se = _t_test(cur_reps, base_reps, same_seed)
    ci = None if se is None else (change - t_quantile_975(df) * se,
                                  change + t_quantile_975(df) * se)
    if t is None:
        significant = True      # nothing to test against: the tolerance alone decides
    elif gate.direction == "both":
        significant = abs(t) > t_quantile_975(df)
    else:
        significant = sign * t > t_quantile_975(df)
    regressed = worse > allowed and significant
    note = ""
    if worse > allowed and not significant:
        note = "beyond the tolerance but within the noise of the replications"
    return Comparison(gate, strategy, b, c, change, ci, test, significant, regressed, note)


def _mean(values: Sequence[float] | None) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _t_test(cur_reps: Sequence[float], base_reps: Sequence[float],
            same_seed: bool) -> tuple[str, float | None, int, float | None]:
    """(test name, t of current - baseline, degrees of freedom, standard error).

    Pairs are replications with the same index, both with a value.
    """
    cur, base = _finite(cur_reps), _finite(base_reps)
    if min(len(cur), len(base)) < 2:
        return "tolerance only", None, 1, None
    diffs = [c - b for c, b in zip(cur_reps, base_reps, strict=False)
             if not (math.isnan(c) or math.isnan(b))]
    if same_seed and len(cur_reps) == len(base_reps) and len(diffs) >= 2:
        n = len(diffs)
        mean = math.fsum(diffs) / n
        se = math.sqrt(math.fsum((d - mean) ** 2 for d in diffs) / (n - 1) / n)
        return "paired t", _ratio(mean, se), n - 1, se
    vc, vb = _variance(cur) / len(cur), _variance(base) / len(base)
    se = math.sqrt(vc + vb)
    change = math.fsum(cur) / len(cur) - math.fsum(base) / len(base)
    if se == 0:
        return "Welch t", _ratio(change, se), len(cur) + len(base) - 2, se
    df = (vc + vb) ** 2 / (vc**2 / (len(cur) - 1) + vb**2 / (len(base) - 1))
    return "Welch t", change / se, max(1, math.floor(df)), se


def _variance(values: Sequence[float]) -> float:
    mean = math.fsum(values) / len(values)
    return math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)


def _ratio(change: float, se: float) -> float:
    """t = change / se; a difference with no spread at all is infinitely significant."""
    if se > 0:
        return change / se
    return math.copysign(math.inf, change) if change else 0.0


@dataclass(frozen=True)
class BaselineVerdict:
    comparisons: tuple[Comparison, ...] = ()
    baseline_scenario: Mapping[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not any(c.regressed for c in self.comparisons)

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "baseline_scenario": dict(self.baseline_scenario or {}),
                "checks": [c.to_json() for c in self.comparisons]}
