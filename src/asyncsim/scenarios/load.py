"""File -> validated :class:`Scenario`, or a :class:`ScenarioError` listing every problem."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from asyncsim.scenarios.checks import KEY, semantic_problems
from asyncsim.scenarios.models import Scenario
from asyncsim.scenarios.yaml_io import (
    Problem,
    ScenarioError,
    apply_override,
    load_yaml_file,
    position_of,
    problems_from_validation_error,
    to_plain,
)


@dataclass(frozen=True)
class LoadedScenario:
    scenario: Scenario
    source: str


def load_scenario(path: Path, overrides: Sequence[str] = ()) -> LoadedScenario:
    source = str(path)
    tree = load_yaml_file(path)
    problems: list[Problem] = []
    for assignment in overrides:
        try:
            apply_override(tree, assignment)
        except ScenarioError as err:
            problems.extend(err.problems)
    if problems:
        raise ScenarioError(problems)
    scenario = validate_tree(tree, source, base_dir=path.parent)
    return LoadedScenario(scenario, source)


def validate_tree(tree: Any, source: str, base_dir: Path | None = None) -> Scenario:
    """Model validation, then the cross-field checks, each problem with its position."""
    try:
        scenario = Scenario.model_validate(to_plain(tree),
                                           context={"base_dir": base_dir or Path.cwd()})
    except ValidationError as err:
        raise ScenarioError(problems_from_validation_error(err, tree, source, Scenario)) from None
    problems = []
    for loc, message in semantic_problems(scenario):
        at_key = bool(loc) and loc[-1] == KEY
        if at_key:
            loc = loc[:-1]
        where, line, col = position_of(tree, loc, at_key=at_key)
        problems.append(Problem(where, line, col, ".".join(map(str, loc)), message))
    if problems:
        raise ScenarioError(sorted(problems, key=lambda p: (p.line, p.col)))
    return scenario
