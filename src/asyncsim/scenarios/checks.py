"""Checks across fields, run after the models validate, each pointing at the field to fix.

Why not pydantic model validators: their errors carry no location, and a user needs
``file:line:col`` of the field that is wrong, not of the whole document.
"""

from __future__ import annotations

from asyncsim.reports.thresholds import ThresholdError, parse_threshold
from asyncsim.scenarios.breaker_checks import layer_problems
from asyncsim.scenarios.build import arrival_spec
from asyncsim.scenarios.cache_config import cache_problems
from asyncsim.scenarios.client_checks import named_backends, strategy_problems, workload_problems
from asyncsim.scenarios.live_checks import live_problems, live_targets
from asyncsim.scenarios.models import Scenario
from asyncsim.scenarios.thresholds import ThresholdConfig, known_tag_values, long_form
from asyncsim.sim.workload.load.arrivals import RateProfile

Loc = tuple[str | int, ...]
KEY = "<key>"
"""Appended to a loc to point at a mapping key rather than at its value."""


def semantic_problems(scenario: Scenario) -> list[tuple[Loc, str]]:
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
    targeted = {target for _, target in named} | live_targets(workload)
    if named and targeted <= set(scenario.backends):
        described = ", ".join(repr(t) for t in sorted(targeted))
        for name in scenario.backends:
            if name not in targeted:
                problems.append((("backends", name, KEY),
                                 f"nothing sends requests to backend {name!r} "
                                 f"(the workload targets {described})"))
    problems += workload_problems(scenario)
    problems += strategy_problems(scenario)
    for name, backend in scenario.backends.items():
        for index, fault in enumerate(backend.faults):
            if fault.at >= scenario.duration:
                problems.append((("backends", name, "faults", index, "at"),
                                 f"the fault starts at {fault.at:g}s, after the run ends "
                                 f"({scenario.duration:g}s)"))
    for strategy, items in scenario.strategies.items():
        for index, item in enumerate(items):
            if item.cache is not None:
                problems.extend((("strategies", strategy, index, "cache", field), message)
                                for field, message in cache_problems(item.cache))
    problems.extend(_layer_problems(scenario))
    problems.extend(_contention_problems(scenario))
    problems.extend(live_problems(scenario))
    if workload.arrivals is not None and scenario.warmup < scenario.duration:
        expected = _expected_arrivals(scenario)
        if expected < 1:
            problems.append((("workload", "arrivals"),
                             f"about {expected:.2g} requests would arrive after warm-up: the run "
                             "would record nothing (raise the rate or the duration)"))
    problems.extend(layer_problems(scenario))
    problems.extend(threshold_problems(scenario))
    return problems


def _layer_problems(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Each layer config's own contradictions (``problems()``), and misplaced deadlines."""
    problems: list[tuple[Loc, str]] = []
    for name, items in scenario.strategies.items():
        kinds = [item.chosen()[0] for item in items]
        for index, item in enumerate(items):
            kind, config = item.chosen()
            where: Loc = ("strategies", name, index, kind)
            check = getattr(config, "problems", None)
            if check is not None:
                problems.extend(((*where, *loc), message) for loc, message in check())
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
    return RateProfile(arrival_spec(scenario.workload.arrivals)).area_between(
        scenario.warmup, scenario.duration)


def threshold_problems(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Every threshold that does not parse or does not fit the run, located.

    A target problem points at the key (:data:`KEY`); an expression problem at the
    expression, naming the character where it goes wrong.
    """
    problems: list[tuple[Loc, str]] = []
    known = known_tag_values(scenario)
    for target, items in scenario.thresholds.items():
        if not items:
            problems.append((("thresholds", target), "list at least one expression, e.g. "
                                                     "['p(99) < 300ms']"))
        for index, item in enumerate(items):
            config = long_form(item)
            loc: Loc = ("thresholds", target, index) + (() if isinstance(item, str)
                                                         else ("threshold",))
            try:
                parse_threshold(target, config.threshold, known)
            except ThresholdError as err:
                if err.part == "target":
                    problems.append((("thresholds", target, KEY), err.message))
                    break
                problems.append((loc, f"{config.threshold!r}: {err.message} "
                                      f"(at character {err.offset + 1})"))
            problems.extend(_abort_problems(scenario, config, loc[:3]))
    return problems


def _abort_problems(scenario: Scenario, config: ThresholdConfig,
                    loc: Loc) -> list[tuple[Loc, str]]:
    if config.delay_abort_eval > 0 and not config.abort_on_fail:
        return [((*loc, "delay_abort_eval"),
                 "delay_abort_eval only delays abort_on_fail checks: set abort_on_fail: true "
                 "or remove it")]
    if config.abort_on_fail and config.delay_abort_eval >= scenario.duration:
        return [((*loc, "delay_abort_eval"),
                 f"delay_abort_eval ({config.delay_abort_eval:g}s) is not shorter than the "
                 f"run ({scenario.duration:g}s): the abort would never be checked")]
    return []
