"""Cross-field checks of live workloads, each at the field to fix (an item's own checks are
its ``problems()``).

Whether an item fits the workload at all, and is set once per strategy, is checked for every
client behaviour in scenarios/checks/workload.py.
"""

from __future__ import annotations

from asyncsim.lang.units import format_duration
from asyncsim.scenarios.base import Loc
from asyncsim.scenarios.distributions import DistributionConfig
from asyncsim.scenarios.models import Scenario, WorkloadConfig
from asyncsim.scenarios.strategy import BEHAVIOUR_ITEMS

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
        return []  # live items on another workload are reported by checks/workload.py
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
    return problems


def _period_problem(loc: Loc, config: DistributionConfig) -> list[tuple[Loc, str]]:
    mean = config.mean_s
    if mean > 0:
        return []
    return [(loc, f"periods of mean {format_duration(mean)} never end: the state would switch "
                  "endlessly at one instant (give a positive mean)")]
