"""explore.json: what a tipping-point search or a map found, and how it got there.

Deterministic on purpose (``asyncsim.explore/1``): no wall times, no machine facts, keys
sorted by the writer, so the same seed gives the same bytes whatever ``--jobs``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from asyncsim import __version__
from asyncsim.reports.explore.search import Bisection, Point
from asyncsim.reports.stats import wilson_ci95
from asyncsim.reports.sweep.params import Param
from asyncsim.reports.sweep.params import Point as GridPoint
from asyncsim.sim.simulation import StrategySpec

SCHEMA = "asyncsim.explore/1"


def _param(param: Param) -> dict[str, Any]:
    return {"path": param.path, "name": param.name, "unit": param.unit, "log": param.log,
            "low": param.numbers[0], "high": param.numbers[-1],
            "low_text": param.texts[0], "high_text": param.texts[-1]}


def _tally(flags: Sequence[bool]) -> dict[str, Any]:
    share, low, high = wilson_ci95([float(f) for f in flags])
    return {"runs": len(flags), "yes": sum(flags), "p": share, "ci95_low": low,
            "ci95_high": high}


def _point(search: Bisection, point: Point) -> dict[str, Any]:
    return {"value": point.value, "text": point.text, "round": point.round,
            **_tally(point.flags), "side": search.side_of(point) if point.flags else None,
            "decided": search.decided(point)}


def _verdict(search: Bisection, name: str, label: str) -> str:
    low, high = search.low, search.high
    if not low.flags or not high.flags:
        return "the budget ran out before both ends of the range were run"
    if not search.crossing:
        side = search.side_of(low)
        where = f"at {low.text} and at {high.text}"
        return (f"P({label}) is above 50% {where}: no crossing in the range" if side == "yes"
                else f"P({label}) is below 50% {where}: no crossing in the range")
    bad, good = (high, low) if search.side_of(high) == "yes" else (low, high)
    unsure = [p.text for p in (low, high) if not search.decided(p)]
    doubt = (f" ({', '.join(unsure)} not decided by the Wilson interval at "
             f"{search.max_replications} replications: P is close to 50% there)"
             if unsure else "")
    return (f"P({label}) crosses 50% between {name}={good.text} (below) and "
            f"{name}={bad.text} (above){doubt}")


def bisection_document(meta: Mapping[str, Any], param: Param, tolerance: float,
                       searches: Mapping[str, Bisection], runs: int, requests: float
                       ) -> dict[str, Any]:
    strategies = {}
    for name, search in searches.items():
        bracket = None
        if search.crossing:
            lo, hi = sorted((search.low, search.high), key=lambda p: p.value)
            bracket = {"low": lo.value, "high": hi.value, "low_text": lo.text,
                       "high_text": hi.text, "width": hi.value - lo.value,
                       "decided": search.decided(lo) and search.decided(hi),
                       "yes_above": search.side_of(hi) == "yes"}
        strategies[name] = {
            "points": [_point(search, p) for p in sorted(search.points, key=lambda p: p.value)
                       if p.flags],
            "bracket": bracket, "stopped": search.stopped or "budget",
            "verdict": _verdict(search, param.name, meta["outcome_label"])}
    return {"schema": SCHEMA, "asyncsim_version": __version__, "mode": "bisection", **meta,
            "params": [_param(param)], "tolerance": tolerance,
            "spent": {"runs": runs, "requests_estimate": requests},
            "results": strategies}


def map_document(meta: Mapping[str, Any], params: Sequence[Param], points: Sequence[GridPoint],
                 strategies: Sequence[StrategySpec], flags: Sequence[Sequence[bool]],
                 runs: int, requests: float) -> dict[str, Any]:
    """``flags`` in the order the map ran: point by point, strategy by strategy."""
    results: dict[str, Any] = {s.name: {"cells": []} for s in strategies}
    index = 0
    for point in points:
        for strategy in strategies:
            results[strategy.name]["cells"].append({
                "values": dict(point.values), "texts": [a.split("=", 1)[1]
                                                        for a in point.assignments],
                **_tally(flags[index])})
            index += 1
    return {"schema": SCHEMA, "asyncsim_version": __version__, "mode": "map", **meta,
            "params": [{**_param(p), "values": list(p.numbers), "texts": list(p.texts)}
                       for p in params],
            "spent": {"runs": runs, "requests_estimate": requests},
            "results": results}
