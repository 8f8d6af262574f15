"""The headline of a run: the scenario's question answered from the numbers.

One line per objective ("parallel is best on ttac p95: 3.00 s vs 7.00 s (chained)"),
then which strategy to pick for what, then the scenario's key lesson when a metric shows
one (a strategy that never recovers; the same backend work for less goodput). Ties and
noise are said as such: a lead is only a win when the paired test over replications
(:mod:`asyncsim.reports.significance`) says so, and with one replication the reader is
told that the noise was not measured. Generated from summary.json alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.reports.objectives import goals_present
from asyncsim.reports.render.values import format_number, key_label
from asyncsim.reports.significance import Ranking, mean_of, rank, same

RECOVERED_SHARE = 0.1
"""goodput_end under a tenth of the best strategy's is 'did not recover'."""
SAME_WORK_REL = 0.02
"""Backend calls within 2% of each other count as the same work."""
GOODPUT_FALL_REL = 0.05
"""A goodput lower by more than 5% is a fall worth a lesson."""


def _unit(key: str) -> str:
    metric = REGISTRY.get(key.partition("{")[0].partition(".")[0])
    return metric.unit if metric else ""


def _names(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _value(summary: Mapping[str, Any], strategy: str, key: str) -> str:
    return format_number(mean_of(summary, strategy, key), _unit(key))


def breaks(summary: Mapping[str, Any], strategy: str) -> list[str]:
    """The constraints a strategy's mean breaks, as 'text (value)'."""
    out = []
    for c in (summary.get("objectives") or {}).get("constraints", []):
        value = mean_of(summary, strategy, c["key"])
        ok = {"<=": value <= c["limit"], "<": value < c["limit"],
              ">=": value >= c["limit"], ">": value > c["limit"]}[c["operator"]]
        if not ok:
            out.append(f"{c['text']} ({format_number(value, _unit(c['key']))})")
    return out


def objective_line(summary: Mapping[str, Any], ranking: Ranking) -> str:
    """One objective's verdict, honest about ties and noise."""
    key = ranking.key
    label = key_label(key)
    note = "" if ranking.tested else "; one replication: noise not measured"
    if not ranking.order:
        return f"{label}: no strategy has a value"
    if len(ranking.order) == 1:
        only = ranking.order[0]
        return f"{only}: {label} {_value(summary, only, key)}"
    if ranking.all_tied:
        first, last = ranking.order[0], ranking.order[-1]
        low, high = _value(summary, first, key), _value(summary, last, key)
        if same(mean_of(summary, first, key), mean_of(summary, last, key)):
            return f"all strategies tie on {label} ({low})"
        ahead = [s for s in ranking.order
                 if same(mean_of(summary, s, key), mean_of(summary, first, key))]
        runner = next(s for s in ranking.order if s not in ahead)
        replications = len(summary["strategies"][first].get("replications", {}).get(key, []))
        return (f"{_names(ahead)} {'leads' if len(ahead) == 1 else 'lead'} on {label}: "
                f"{low} vs {_value(summary, runner, key)} ({runner}; up to {high}, {last}), "
                f"but {replications} replications cannot tell it from noise")
    leaders = list(ranking.leaders)
    rest = [s for s in ranking.order if s not in leaders]
    best = leaders[0]
    verb = "is" if len(leaders) == 1 else "tie as"
    runner = rest[0]
    text = (f"{_names(leaders)} {verb} best on {label}: {_value(summary, best, key)} vs "
            f"{_value(summary, runner, key)} ({runner}")
    if len(rest) > 1:
        text += f"; up to {_value(summary, rest[-1], key)}, {rest[-1]}"
    return text + note + ")"


def pick_line(summary: Mapping[str, Any], rankings: Sequence[Ranking]) -> str | None:
    """'pick X if you value A, Y if you value B', or the one strategy good on everything."""
    eligible = [s for s in summary["strategies"] if not breaks(summary, s)]
    if len(summary["strategies"]) < 2 or not eligible:
        return None
    if len(eligible) == 1 < len(summary["strategies"]):
        return f"pick {eligible[0]}: the only strategy that keeps the constraints"
    decided = [r for r in rankings if not r.all_tied and r.order]
    if not decided:
        return "no strategy is clearly better on these objectives: pick on other grounds"
    everywhere = [s for s in eligible if all(s in r.leaders for r in decided)]
    if everywhere:
        return f"pick {_names(everywhere)}: best or tied on every objective"
    by_strategy: dict[str, list[str]] = {}
    for ranking in decided:
        winner = ranking.sole_winner
        if winner is not None and winner in eligible:
            by_strategy.setdefault(winner, []).append(key_label(ranking.key))
    if not by_strategy:
        return "no one strategy leads on its own: see the ties above"
    return "pick " + ", ".join(f"{s} if you value {_names(keys)}"
                               for s, keys in by_strategy.items())


def recovery_lesson(summary: Mapping[str, Any]) -> str | None:
    """Some strategies recover after trouble and some never do (goodput_end)."""
    names = list(summary["strategies"])
    ends = {s: mean_of(summary, s, "goodput_end") for s in names}
    if len(names) < 2 or not all(math.isfinite(v) for v in ends.values()):
        return None
    best = max(ends.values())
    lost = [s for s in names if ends[s] < RECOVERED_SHARE * best]
    kept = [s for s in names if s not in lost]
    if best <= 0 or not lost:
        return None
    return (f"{_names(kept)} {'recovers' if len(kept) == 1 else 'recover'} by the end of "
            f"the run (goodput_end {_value(summary, kept[0], 'goodput_end')}); "
            f"{_names(lost)} {'does' if len(lost) == 1 else 'do'} not "
            f"({_value(summary, lost[0], 'goodput_end')})")


def same_work_lesson(summary: Mapping[str, Any]) -> str | None:
    """The backend does the same work under every strategy while goodput falls."""
    names = list(summary["strategies"])
    calls = [mean_of(summary, s, "backend_calls") for s in names]
    goodput = {s: mean_of(summary, s, "goodput") for s in names}
    if len(names) < 2 or not all(math.isfinite(v) and v > 0 for v in calls):
        return None
    if (max(calls) - min(calls)) > SAME_WORK_REL * max(calls):
        return None
    ranking = rank(summary, "goodput", "higher")
    top = ranking.order[0] if ranking.order else None
    if top is None or not math.isfinite(goodput[top]):
        return None
    fallen = [s for s in ranking.order if s not in ranking.leaders
              and goodput[s] < (1 - GOODPUT_FALL_REL) * goodput[top]]
    if not fallen:
        return None
    worst = fallen[-1]
    return (f"the backend does the same work under every strategy "
            f"({format_number(sum(calls) / len(calls), 'calls')}), yet goodput falls from "
            f"{_value(summary, top, 'goodput')} ({top}) to {_value(summary, worst, 'goodput')} "
            f"({worst})")


def headline(summary: Mapping[str, Any]) -> list[str]:
    """The headline lines: objectives (among the strategies that keep the constraints),
    constraints broken, the pick, the lessons."""
    if not summary.get("strategies"):
        return []
    eligible = [s for s in summary["strategies"] if not breaks(summary, s)]
    rankings = [rank(summary, g["key"], g["better"], eligible) for g in goals_present(summary)]
    lines = [objective_line(summary, r) for r in rankings]
    for strategy in summary["strategies"]:
        broken = breaks(summary, strategy)
        if broken:
            lines.append(f"{strategy} breaks {'; '.join(broken)}: it cannot win")
    pick = pick_line(summary, rankings)
    if pick:
        lines.append(pick)
    families = (summary.get("objectives") or {}).get("families", [])
    if "resilience" in families:  # recovery after a fault; work wasted under trouble
        lines += [lesson for lesson in (recovery_lesson(summary), same_work_lesson(summary))
                  if lesson]
    return lines

