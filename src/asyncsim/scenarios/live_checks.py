"""Cross-field checks of live workloads and their strategy items, each at the field to fix.

Whether an item fits the workload at all, and is set once per strategy, is checked for every
client behaviour in scenarios/client_checks.py.
"""

from __future__ import annotations

from asyncsim.scenarios.distributions import DistributionConfig
from asyncsim.scenarios.layers import BEHAVIOUR_ITEMS
from asyncsim.scenarios.models import Scenario, WorkloadConfig
from asyncsim.scenarios.units import format_duration

Loc = tuple[str | int, ...]
PERIODS = {"visibility": ("visible", "hidden"), "network": ("online", "offline")}


def live_targets(workload: WorkloadConfig) -> set[str]:
    """Backends a live workload sends to besides its target (where users' writes go)."""
    live = workload.live
    if live is None or live.mutations is None or live.mutations.target is None:
        return set()
    return {live.mutations.target}


def live_problems(scenario: Scenario) -> list[tuple[Loc, str]]:
    live = scenario.workload.live
    if live is None:
        return []  # live items on another workload are reported by client_checks
    problems: list[tuple[Loc, str]] = []
    for group, names in PERIODS.items():
        config = getattr(live, group)
        for name in names:
            if config is not None:
                problems.extend(_period_problem(("workload", "live", group, name),
                                                getattr(config, name)))
    mutations = live.mutations
    if mutations is not None and mutations.target is not None \
            and mutations.target not in scenario.backends:
        problems.append((("workload", "live", "mutations", "target"),
                         f"unknown backend {mutations.target!r} "
                         f"(allowed: {', '.join(sorted(scenario.backends))})"))
    for strategy, items in scenario.strategies.items():
        for index, item in enumerate(items):
            if not item.is_behaviour or BEHAVIOUR_ITEMS[item.kind] != "live":
                continue
            at: Loc = ("strategies", strategy, index, item.kind)
            if item.kind == "mutation" and mutations is None:
                problems.append((at, "mutation says how users' changes show: it needs "
                                     "workload.live.mutations"))
            problems.extend(_item_problems(at, item))
    return problems


def _period_problem(loc: Loc, config: DistributionConfig) -> list[tuple[Loc, str]]:
    mean = config.mean_s
    if mean > 0:
        return []
    return [(loc, f"periods of mean {format_duration(mean)} never end: the state would switch "
                  "endlessly at one instant (give a positive mean)")]


def _item_problems(at: Loc, item: object) -> list[tuple[Loc, str]]:
    polling = getattr(item, "polling", None)
    if polling is not None:
        v = polling.settings()
        if v["smart"] and v["in_background"]:
            field = "in_background" if "in_background" in polling.given() else "smart"
            return [((*at, field), "smart polling pauses while the tab is hidden: it cannot "
                                   "also poll in the background (in_background: false)")]
    push = getattr(item, "push", None)
    if push is not None and push.reconnect_cap < push.reconnect_base:
        return [((*at, "reconnect_cap"),
                 f"reconnect_cap {format_duration(push.reconnect_cap)} is shorter than "
                 f"reconnect_base {format_duration(push.reconnect_base)}")]
    return []
