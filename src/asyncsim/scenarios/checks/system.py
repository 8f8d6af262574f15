"""Checks of strategies that change the system, each at the override to fix.

A strategy's ``system`` overrides make a changed scenario (scenarios/system.py); it is
validated and checked like the file itself, and each problem is reported at the override
whose path covers it (else at the ``system`` item), so ``workers: 0`` written as an
override reads as the file's own error would, at the override's line.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError

from asyncsim.scenarios.base import KEY, Loc, Problems
from asyncsim.scenarios.models import Scenario
from asyncsim.scenarios.system import Override, OverrideError, covering, overrides_of
from asyncsim.scenarios.yaml.messages import describe_error

Check = Callable[[Scenario], Problems]


def system_problems(scenario: Scenario, check: Check, written: Problems) -> Problems:
    """Problems of every strategy's changed scenario that the scenario as written (whose
    problems are ``written``) does not have; ``check`` is the scenario-wide check without
    this one."""
    problems: Problems = []
    own = set(written)
    for name, items in scenario.strategies.items():
        overrides = overrides_of(items)
        if not overrides:
            continue
        at: Loc = ("strategies", name)
        try:
            changed = scenario.system_of(name)
        except OverrideError as err:
            problems.append(((*at, err.override.item, "system", err.override.path, KEY),
                             str(err)))
            continue
        except ValidationError as err:
            for error in err.errors(include_url=False):
                loc, message = _locate(at, overrides, tuple(error["loc"]),
                                       describe_error(error, Scenario))
                unknown = error["type"] == "extra_forbidden" and loc[-2:-1] == ("system",)
                problems.append(((*loc, KEY) if unknown else loc, message))
            continue
        for loc, message in check(changed):
            if (loc, message) not in own:
                problems.append(_locate(at, overrides, loc, message))
    return problems


def _locate(at: Loc, overrides: list[Override], loc: Loc, message: str) -> tuple[Loc, str]:
    """A problem of the changed scenario at ``loc``, put where the user can fix it: at the
    override covering ``loc``, else at the last ``system`` item (a cross-field rule that
    the overrides together broke)."""
    if loc[:2] == at:
        return loc, message  # one of the strategy's own items, which it still has
    shown = ".".join(map(str, loc))
    override = covering(overrides, loc)
    if override is not None:
        here = (*at, override.item, "system", override.path)
        deeper = shown != override.path
        return here, f"{shown}: {message}" if deeper else message
    return ((*at, overrides[-1].item, "system"),
            f"with this strategy's changes, {shown or 'the scenario'}: {message}")
