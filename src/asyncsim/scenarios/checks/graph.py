"""Checks of the service graph (backends' ``calls``), each at the call to fix: unknown
backends (with a hint), cycles (at the call that closes one), and items that are no layer."""

from __future__ import annotations

from asyncsim.lang.suggest import did_you_mean
from asyncsim.scenarios.base import Loc, Problems
from asyncsim.scenarios.models import Scenario

TIED_INNERMOST = ("tied must be the innermost layer (the last of the list): a layer below it "
                  "would remake the request and lose the tie between the copies")


def calls_of(scenario: Scenario) -> list[tuple[Loc, str, str]]:
    """Every call as (loc of its ``backend`` field, caller, callee)."""
    found = []
    for name, backend in scenario.backends.items():
        for index, step in enumerate(backend.calls):
            for rel, call in step.where():
                found.append((("backends", name, "calls", index, *rel, "backend"), name,
                              call.backend))
    return found


def called_backends(scenario: Scenario) -> set[str]:
    return {callee for _, _, callee in calls_of(scenario)}


def graph_problems(scenario: Scenario) -> Problems:
    problems: Problems = []
    names = list(scenario.backends)
    edges: dict[str, list[tuple[str, Loc]]] = {name: [] for name in names}
    for loc, caller, callee in calls_of(scenario):
        if callee not in scenario.backends:
            hint = did_you_mean(callee, names)
            suggestion = f"did you mean {hint!r}? " if hint else ""
            problems.append((loc, f"unknown backend {callee!r} ({suggestion}allowed: "
                                  f"{', '.join(sorted(names))})"))
        else:
            edges[caller].append((callee, loc))
    problems += _cycle(edges)
    problems += _layer_problems(scenario)
    return problems


def _cycle(edges: dict[str, list[tuple[str, Loc]]]) -> Problems:
    """The first cycle found, reported at the call that closes it."""
    state: dict[str, int] = {}   # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> Problems:
        state[name] = 1
        path.append(name)
        for callee, loc in edges[name]:
            if state.get(callee) == 1:
                cycle = [*path[path.index(callee):], callee]
                return [(loc, f"call cycle: {' -> '.join(cycle)} (this call from {name!r} to "
                              f"{callee!r} closes it; a request would call itself forever)")]
            if callee not in state:
                found = visit(callee)
                if found:
                    return found
        path.pop()
        state[name] = 2
        return []

    for name in edges:
        if name not in state:
            found = visit(name)
            if found:
                return found
    return []


def _layer_problems(scenario: Scenario) -> Problems:
    problems: Problems = []
    for name, backend in scenario.backends.items():
        for index, step in enumerate(backend.calls):
            for rel, call in step.where():
                for position, item in enumerate(call.layers):
                    kind, config = item.chosen()
                    at: Loc = ("backends", name, "calls", index, *rel, "layers", position, kind)
                    if not item.is_layer:
                        problems.append((at, f"{kind} is not a layer: a call's layers are "
                                             "resilience layers (retry, timeout, breaker, ...)"))
                        continue
                    check = getattr(config, "problems", None)
                    if check is not None:
                        problems.extend(((*at, *loc), message) for loc, message in check())
                    if kind == "tied" and position < len(call.layers) - 1:
                        problems.append((at, TIED_INNERMOST))
                problems += call.problems(("backends", name, "calls", index, *rel))
    return problems
