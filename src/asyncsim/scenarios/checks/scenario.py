"""Cross-field checks that need the whole scenario, each pointing at the field to fix.

Checks that need only one item's fields are that item's ``problems()`` (the
:class:`~asyncsim.scenarios.base.Checked` protocol); this module locates them in the
strategy. Why not pydantic model validators: their errors carry no location, and a user
needs ``file:line:col`` of the field that is wrong, not of the whole document.
"""

from __future__ import annotations

from asyncsim.scenarios.base import KEY, Loc, Problems
from asyncsim.scenarios.build import arrival_spec
from asyncsim.scenarios.checks.graph import TIED_INNERMOST, called_backends, graph_problems
from asyncsim.scenarios.checks.live import live_problems, live_targets
from asyncsim.scenarios.checks.system import system_problems
from asyncsim.scenarios.checks.workload import named_backends, strategy_problems, workload_problems
from asyncsim.scenarios.models import Scenario
from asyncsim.scenarios.strategy import BEHAVIOUR_ITEMS
from asyncsim.sim.workload.load.arrivals import RateProfile


def semantic_problems(scenario: Scenario) -> Problems:
    """Every contradiction of a validated scenario, each at the field to fix (thresholds
    are checked where they are parsed: scenarios/thresholds.py), and of each strategy's
    changed system (checks/system.py)."""
    problems = written_problems(scenario)
    return problems + system_problems(scenario, written_problems, problems)


def written_problems(scenario: Scenario) -> Problems:
    """The contradictions of the scenario as written (strategies' ``system`` not applied)."""
    problems: list[tuple[Loc, str]] = []
    if scenario.warmup >= scenario.duration:
        problems.append((("warmup",), f"warmup ({scenario.warmup:g}s) must be shorter than "
                                      f"duration ({scenario.duration:g}s)"))
    workload = scenario.workload
    named = named_backends(workload)
    for loc, target in named:
        if target not in scenario.backends:
            problems.append((loc, f"unknown backend {target!r} "
                                  f"(allowed: {', '.join(sorted(scenario.backends))})"))
    targeted = {target for _, target in named} | live_targets(workload) \
        | called_backends(scenario)
    if named and targeted <= set(scenario.backends):
        described = ", ".join(repr(t) for t in sorted(targeted))
        for name in scenario.backends:
            if name not in targeted:
                problems.append((("backends", name, KEY),
                                 f"nothing sends requests to backend {name!r} "
                                 f"(the workload targets {described})"))
    problems += workload_problems(scenario)
    problems += graph_problems(scenario)
    problems += strategy_problems(scenario)
    for name, backend in scenario.backends.items():
        problems.extend(((("backends", name, *loc), message)
                         for loc, message in backend.problems()))
        problems.extend((("backends", name, "queue", *loc), message)
                        for loc, message in backend.queue.problems())
        for index, fault in enumerate(backend.faults):
            where = ("backends", name, "faults", index)
            problems.extend(((*where, *loc), message)
                            for loc, message in fault.problems(backend.workers))
            if fault.at >= scenario.duration:
                problems.append((("backends", name, "faults", index, "at"),
                                 f"the fault starts at {fault.at:g}s, after the run ends "
                                 f"({scenario.duration:g}s)"))
    problems.extend(_layer_problems(scenario))
    problems.extend((("recovery", *loc), message)
                    for loc, message in scenario.recovery.problems())
    problems.extend(_contention_problems(scenario))
    problems.extend(live_problems(scenario))
    if workload.arrivals is not None and scenario.warmup < scenario.duration:
        expected = _expected_arrivals(scenario)
        if expected < 1:
            problems.append((("workload", "arrivals"),
                             f"about {expected:.2g} requests would arrive after warm-up: the run "
                             "would record nothing (raise the rate or the duration)"
                             if workload.arrivals.trace is None else
                             "no trace record starts after warm-up and before the end: the "
                             "run would record nothing (check duration, warmup and the "
                             "trace's scales)"))
    return problems


def _layer_problems(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Each item's own contradictions (the :class:`Checked` protocol), and misplaced
    deadlines. A behaviour on a workload it does not fit is reported by checks/workload.py,
    not checked further."""
    problems: list[tuple[Loc, str]] = []
    for name, items in scenario.strategies.items():
        kinds = [item.chosen()[0] for item in items]
        for index, item in enumerate(items):
            kind, config = item.chosen()
            where: Loc = ("strategies", name, index, kind)
            if item.is_behaviour and BEHAVIOUR_ITEMS[kind] != scenario.workload.behaviour:
                continue
            check = getattr(config, "problems", None)
            if check is not None:
                problems.extend(((*where, *loc), message) for loc, message in check())
            if kind == "tied" and any(later.is_layer for later in items[index + 1:]):
                problems.append((where, TIED_INNERMOST))
            if kind == "deadline" and "retry" in kinds[:index]:
                problems.append((where, "a deadline spans attempts: put it above the retry "
                                        "layer (below it, it limits each attempt: use "
                                        "timeout there)"))
    return problems


def _contention_problems(scenario: Scenario) -> list[tuple[Loc, str]]:
    if scenario.workload.contention is None:
        return []
    problems: list[tuple[Loc, str]] = []
    if scenario.warmup > 0:
        problems.append((("warmup",), "the contention workload starts every user at 0s, so "
                                      "a warm-up would discard them all (set warmup: 0s)"))
    if scenario.workload.keys.count != 1:
        problems.append((("workload", "keys"), "the contention workload writes one shared "
                                               "record; keys do not apply"))
    behaviour = scenario.workload.behaviour
    if behaviour is not None:
        problems.append((("workload", behaviour), f"the contention workload's unit is one "
                                                  f"conditional write: remove {behaviour}"))
    return problems


def _expected_arrivals(scenario: Scenario) -> float:
    assert scenario.workload.arrivals is not None
    trace = scenario.workload.arrivals.trace
    if trace is not None:
        return trace.records_between(scenario.warmup, scenario.duration)
    return RateProfile(arrival_spec(scenario.workload.arrivals)).area_between(
        scenario.warmup, scenario.duration)
