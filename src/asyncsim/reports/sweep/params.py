"""Sweep parameters and the grid of points they make.

A parameter is a scenario path and its values, written like ``--set``:
``strategies.swr.0.cache.fresh_for=1s..60s`` (a range cut into ``--steps`` values,
evenly or, with ``--log``, geometrically) or ``workload.users=10,100,1000`` (a list).
Each point's values are applied as ``--set`` overrides, so every point is validated with
the same messages as the file. Several parameters make a grid (every combination).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from asyncsim.lang.units import format_duration, parse_duration_s, parse_rate_per_s

MAX_POINTS = 10_000


class SweepError(ValueError):
    """A --param that cannot be read (syntax, units, a log range through zero)."""


@dataclass(frozen=True)
class Param:
    path: str
    texts: tuple[str, ...]
    """Values as applied with --set (``'9.6s'``)."""
    numbers: tuple[float, ...]
    """The same values in base units (seconds, per second) or NaN when not numeric."""
    unit: str
    """``s``, ``1/s``, or empty for plain numbers and words."""
    log: bool = False

    @property
    def name(self) -> str:
        """A short label: the last path segment (``fresh_for``)."""
        return self.path.rsplit(".", 1)[-1]

    @property
    def column(self) -> str:
        return f"param:{self.path}"


@dataclass(frozen=True)
class Point:
    index: int
    assignments: tuple[str, ...]
    """``path=value`` overrides that make this point."""
    values: Mapping[str, float]
    """param path -> value in base units."""
    label: str


def _significant(value: float, digits: int = 4) -> float:
    return float(f"{value:.{digits}g}")


def _plain(value: float, digits: int = 4) -> str:
    return f"{_significant(value, digits):g}"


def _kind(text: str) -> tuple[str, float] | None:
    """(unit, value in base units) of one value text, or None when it is not a number."""
    for unit, parse in (("s", parse_duration_s), ("1/s", parse_rate_per_s)):
        try:
            return unit, parse(text)
        except ValueError:
            pass
    try:
        return "", float(text)
    except ValueError:
        return None


STEP_DIGITS = 2
"""Significant digits of the steps between a range's ends: a sweep of 1s..60s reads
1s, 7.7s, 60s, not 7.746s (the ends keep what was typed, to four digits)."""


def _format(value: float, unit: str, integral: bool, digits: int = 4) -> str:
    if unit == "s":
        return format_duration(_significant(value, digits))
    if unit == "1/s":
        return f"{_plain(value, digits)}/s"
    return str(round(value)) if integral else _plain(value, digits)


def value_text(value: float, unit: str, integral: bool) -> str:
    """A value in base units as ``--set`` takes it (``9.6s``, ``70/s``, ``12``), to four
    significant digits: what explore applies at a bisection's midpoint."""
    return _format(value, unit, integral)


def is_integral(low_text: str, high_text: str) -> bool:
    """Both ends of a plain-number range are written as integers (workers, attempts)."""
    return all(re.fullmatch(r"-?\d+", t.strip()) for t in (low_text, high_text))


def spread(low: float, high: float, steps: int, log: bool) -> list[float]:
    """``steps`` values from low to high, evenly spaced or geometrically (log)."""
    if steps == 1:
        return [low]
    if log:
        ratio = (high / low) ** (1 / (steps - 1))
        return [low * ratio**i for i in range(steps - 1)] + [high]
    return [low + (high - low) * i / (steps - 1) for i in range(steps - 1)] + [high]


def parse_param(text: str, steps: int = 8, log: bool = False) -> Param:
    """``path=LOW..HIGH`` or ``path=a,b,c`` -> a :class:`Param`."""
    path, eq, spec = text.partition("=")
    path = path.strip()
    if not eq or not path or not spec.strip():
        raise SweepError(f"--param {text!r}: expected PATH=LOW..HIGH or PATH=A,B,C")
    if ".." in spec:
        low_text, _, high_text = spec.partition("..")
        low, high = _kind(low_text.strip()), _kind(high_text.strip())
        if low is None or high is None or low[0] != high[0]:
            raise SweepError(f"--param {text!r}: both ends of a range must be numbers of one "
                             "kind (durations like 1s..60s, rates like 10/s..100/s, or plain "
                             "numbers)")
        if steps < 1:
            raise SweepError(f"--steps must be at least 1 (got {steps})")
        if log and (low[1] <= 0 or high[1] <= 0):
            raise SweepError(f"--param {text!r}: a --log range needs both ends above zero")
        integral = low[0] == "" and is_integral(low_text, high_text)
        values = spread(low[1], high[1], steps, log)
        texts = list(dict.fromkeys(
            _format(v, low[0], integral, 4 if i in (0, len(values) - 1) else STEP_DIGITS)
            for i, v in enumerate(values)))
        unit = low[0]
    else:
        texts = [t.strip() for t in spec.split(",") if t.strip()]
        kinds = {k[0] for k in map(_kind, texts) if k is not None}
        unit = kinds.pop() if len(kinds) == 1 else ""
    numbers = tuple(k[1] if k is not None and k[0] == unit else math.nan
                    for k in map(_kind, texts))
    return Param(path, tuple(texts), numbers, unit, log)


def grid(params: Sequence[Param]) -> list[Point]:
    """Every combination of the parameters' values, first parameter slowest."""
    size = math.prod(len(p.texts) for p in params)
    if size > MAX_POINTS:
        raise SweepError(f"the grid has {size:,} points; at most {MAX_POINTS:,} are allowed")
    points = []
    for index, combo in enumerate(itertools.product(*(range(len(p.texts)) for p in params))):
        assignments = tuple(f"{p.path}={p.texts[i]}" for p, i in zip(params, combo, strict=True))
        values = {p.path: p.numbers[i] for p, i in zip(params, combo, strict=True)}
        label = ", ".join(f"{p.name}={p.texts[i]}" for p, i in zip(params, combo, strict=True))
        points.append(Point(index, assignments, values, label))
    return points


def swept_strategies(params: Sequence[Param], names: Sequence[str]) -> set[str]:
    """The strategies the sweep changes: those its parameters address by name, or all of
    them when a parameter lies outside ``strategies`` (workload, backends...).

    Why it matters: a strategy the sweep does not touch gives the same numbers at every
    point (same seed, same configuration), so it is simulated once and kept as a reference.
    """
    touched = set()
    for param in params:
        parts = param.path.split(".")
        if parts[0] != "strategies" or len(parts) < 2:
            return set(names)
        touched.add(parts[1])
    return touched & set(names)
