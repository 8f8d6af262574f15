"""Checks across fields, run after the models validate, each pointing at the field to fix.

Why not pydantic model validators: their errors carry no location, and a user needs
``file:line:col`` of the field that is wrong, not of the whole document.
"""

from __future__ import annotations

from asyncsim.scenarios.breaker_checks import layer_problems
from asyncsim.scenarios.build import workload_spec
from asyncsim.scenarios.models import Scenario
from asyncsim.sim.workload.arrivals import RateProfile
from asyncsim.sim.workload.basic import OpenWorkload

Loc = tuple[str | int, ...]
KEY = "<key>"
"""Appended to a loc to point at a mapping key rather than at its value."""


def semantic_problems(scenario: Scenario) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    if scenario.warmup >= scenario.duration:
        problems.append((("warmup",), f"warmup ({scenario.warmup:g}s) must be shorter than "
                                      f"duration ({scenario.duration:g}s)"))
    workload = scenario.workload
    if workload.target not in scenario.backends:
        problems.append((("workload", "target"),
                         f"unknown backend {workload.target!r} "
                         f"(allowed: {', '.join(sorted(scenario.backends))})"))
    targeted = {workload.target}
    for name in scenario.backends:
        if workload.target in scenario.backends and name not in targeted:
            problems.append((("backends", name, KEY),
                             f"nothing sends requests to backend {name!r} "
                             f"(the workload targets {workload.target!r})"))
    for name, backend in scenario.backends.items():
        for index, fault in enumerate(backend.faults):
            if fault.at >= scenario.duration:
                problems.append((("backends", name, "faults", index, "at"),
                                 f"the fault starts at {fault.at:g}s, after the run ends "
                                 f"({scenario.duration:g}s)"))
    if workload.arrivals is not None and scenario.warmup < scenario.duration:
        expected = _expected_arrivals(scenario)
        if expected < 1:
            problems.append((("workload", "arrivals"),
                             f"about {expected:.2g} requests would arrive after warm-up: the run "
                             "would record nothing (raise the rate or the duration)"))
    problems.extend(layer_problems(scenario))
    return problems


def _expected_arrivals(scenario: Scenario) -> float:
    spec = workload_spec(scenario.workload)
    assert isinstance(spec, OpenWorkload)
    return RateProfile(spec.arrivals).area_between(scenario.warmup, scenario.duration)
