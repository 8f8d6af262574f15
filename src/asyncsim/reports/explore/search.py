"""The tipping-point search: bisection on one parameter, decided by Wilson intervals.

An outcome is yes or no per run (``metastable``, or "this threshold failed"). At a value
of the parameter, ``n`` replications give ``k`` yes and the Wilson 95% interval of
P(yes). The point is on the **yes side** when the interval's low end is above 0.5, on the
**no side** when its high end is below 0.5; otherwise it is **unsure** and gets as many
replications again (a new range of replication numbers, so nothing is run twice), up to
``max_replications``. A point still unsure then is where P is close to 0.5 within what
those runs can tell: it is put on the side of its estimate and marked ``decided: false``.

The bracket starts as the range's two ends, which must fall on opposite sides (else
there is no crossing in the range), and halves until it is narrower than the tolerance.
Each half is a plain step: no model of the curve, so the result means what it says, the
crossing of P = 0.5 lies in ``[low, high]`` if P is monotone in the parameter.

Why pure: the command runs the simulations; this module only says which replications at
which values it needs next, so it is tested against made-up outcome curves.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from asyncsim.reports.stats import wilson_ci95

Side = Literal["yes", "no", "unsure"]
Snap = Callable[[float], tuple[str, float]]
"""A value -> (its text as applied with --set, the value that text means)."""


@dataclass(eq=False)
class Point:
    """One parameter value and the outcomes of its replications so far."""

    text: str
    value: float
    flags: list[bool] = field(default_factory=list)
    round: int = 0

    @property
    def runs(self) -> int:
        return len(self.flags)

    @property
    def yes(self) -> int:
        return sum(self.flags)

    def interval(self) -> tuple[float, float, float]:
        """P(yes), and its Wilson 95% interval."""
        return wilson_ci95([float(f) for f in self.flags])

    @property
    def side(self) -> Side:
        if not self.flags:
            return "unsure"
        _, low, high = self.interval()
        return "yes" if low > 0.5 else "no" if high < 0.5 else "unsure"

    def leaning(self) -> Literal["yes", "no"]:
        """The side of the estimate, for a point the interval cannot place."""
        share = self.yes / self.runs
        return "yes" if share >= 0.5 else "no"


@dataclass(frozen=True)
class Ask:
    """Replications ``reps`` of the parameter at ``text`` (value ``value``)."""

    text: str
    value: float
    reps: range


class Bisection:
    """The bracket of one strategy: what to run next, and what the runs said."""

    def __init__(self, low: tuple[str, float], high: tuple[str, float], tolerance: float,
                 replications: int, max_replications: int, snap: Snap,
                 integral: bool = False, log: bool = False) -> None:
        if replications < 1 or max_replications < replications:
            raise ValueError("need 1 <= replications <= max_replications")
        self.tolerance = tolerance
        self.replications = replications
        self.max_replications = max_replications
        self.snap = snap
        self.integral = integral
        self.log = log
        self.points: list[Point] = [Point(*low), Point(*high)]
        self.low, self.high = self.points  # the bracket's ends, low side then high side
        self.rounds = 0
        self.stopped = ""

    # --------------------------------------------------------------- what to run

    def _settled(self, point: Point) -> bool:
        return point.side != "unsure" or point.runs >= self.max_replications

    def _more(self, point: Point) -> Ask:
        size = self.replications if not point.flags else min(
            point.runs, self.max_replications - point.runs)
        return Ask(point.text, point.value, range(point.runs, point.runs + size))

    def asks(self) -> list[Ask]:
        """The runs needed next (none when the search is over)."""
        if self.stopped:
            return []
        open_ends = [p for p in (self.low, self.high) if not self._settled(p)]
        if open_ends:
            return [self._more(p) for p in open_ends]
        if self._side(self.low) == self._side(self.high):
            self.stopped = "no crossing"
            return []
        if self.width <= self.tolerance * (1 + 1e-9):
            self.stopped = "tolerance"
            return []
        middle = self.points[-1]
        if middle is not self.low and middle is not self.high and not self._settled(middle):
            return [self._more(middle)]
        text, value = self.snap(self._midpoint())
        if not self.low.value < value < self.high.value and not (
                self.high.value < value < self.low.value):
            self.stopped = "resolution"   # the values cannot be split further
            return []
        self.points.append(Point(text, value, round=self.rounds + 1))
        return [self._more(self.points[-1])]

    def _midpoint(self) -> float:
        a, b = self.low.value, self.high.value
        middle = math.sqrt(a * b) if self.log and a > 0 and b > 0 else (a + b) / 2
        return float(round(middle)) if self.integral else middle

    @property
    def width(self) -> float:
        return abs(self.high.value - self.low.value)

    def _side(self, point: Point) -> Literal["yes", "no"]:
        side = point.side
        return point.leaning() if side == "unsure" else side

    # --------------------------------------------------------------- what was run

    def record(self, ask: Ask, flags: Sequence[bool]) -> None:
        """The outcomes of ``ask``'s replications, in replication order."""
        point = next(p for p in reversed(self.points) if p.text == ask.text)
        point.flags.extend(flags)
        if point is self.low or point is self.high or not self._settled(point):
            return
        self.rounds += 1
        if self._side(point) == self._side(self.low):
            self.low = point
        else:
            self.high = point

    def stop(self, reason: str) -> None:
        self.stopped = self.stopped or reason

    @property
    def crossing(self) -> bool:
        """Whether the two ends fell on opposite sides (a bracket exists)."""
        return self._settled(self.low) and self._settled(self.high) and (
            self._side(self.low) != self._side(self.high))

    def side_of(self, point: Point) -> Literal["yes", "no"]:
        return self._side(point)

    def decided(self, point: Point) -> bool:
        return point.side != "unsure"


def planned_runs(width: float, tolerance: float, replications: int, integral: bool,
                 log: bool, low: float, high: float) -> int:
    """Runs a bisection needs at the least (every point decided at once): the two ends,
    then one point per halving until the bracket is within the tolerance."""
    halvings = 0
    if log and low > 0 and high > 0:
        ratio = high / low   # geometric halves: the widest bracket is at the high end
        while high * (1 - 1 / ratio) > tolerance * (1 + 1e-9) and halvings < 64:
            ratio = math.sqrt(ratio)
            halvings += 1
    else:
        size = width
        while size > tolerance * (1 + 1e-9) and (not integral or size > 1) and halvings < 64:
            size /= 2
            halvings += 1
    return (2 + halvings) * replications
