"""File -> validated :class:`Scenario` with its parsed thresholds, or a
:class:`ScenarioError` listing every problem."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from asyncsim.lang.thresholds import Metrics, Threshold
from asyncsim.scenarios.base import KEY
from asyncsim.scenarios.checks.scenario import semantic_problems
from asyncsim.scenarios.models import Scenario
from asyncsim.scenarios.objectives import Objectives, parse_objectives
from asyncsim.scenarios.problems import Problem, ScenarioError
from asyncsim.scenarios.thresholds import parse_thresholds
from asyncsim.scenarios.yaml.messages import problems_from_validation_error
from asyncsim.scenarios.yaml.numbers import number_problems
from asyncsim.scenarios.yaml.overrides import apply_override
from asyncsim.scenarios.yaml.plain import to_plain
from asyncsim.scenarios.yaml.positions import position_of
from asyncsim.scenarios.yaml.reading import load_yaml_file


@dataclass(frozen=True)
class LoadedScenario:
    scenario: Scenario
    source: str
    thresholds: tuple[Threshold, ...] = field(default=())
    """The scenario's thresholds, parsed at validation, in the order they are written."""
    objectives: Objectives | None = None
    """The scenario's own objectives; None: the reports use the workload's key metrics."""


def load_scenario(path: Path, overrides: Sequence[str] = (), *,
                  metrics: Metrics) -> LoadedScenario:
    """Read, override (``--set``), validate; thresholds are parsed against ``metrics``."""
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
    return validate_tree(tree, source, metrics=metrics, base_dir=path.parent)


def validate_tree(tree: Any, source: str, *, metrics: Metrics,
                  base_dir: Path | None = None) -> LoadedScenario:
    """Model validation, then the cross-field checks and the thresholds, each problem
    with its position."""
    plain = to_plain(tree)
    numbers = [Problem(*position_of(tree, loc), ".".join(map(str, loc)), message)
               for loc, message in number_problems(plain)]
    if numbers:
        raise ScenarioError(numbers)
    try:
        scenario = Scenario.model_validate(plain,
                                           context={"base_dir": base_dir or Path.cwd()})
    except ValidationError as err:
        raise ScenarioError(problems_from_validation_error(err, tree, source, Scenario)) from None
    thresholds, threshold_problems = parse_thresholds(scenario, metrics)
    objectives, objective_problems = parse_objectives(scenario.objectives, metrics)
    problems = []
    for loc, message in [*semantic_problems(scenario), *threshold_problems,
                         *objective_problems]:
        at_key = bool(loc) and loc[-1] == KEY
        if at_key:
            loc = loc[:-1]
        where, line, col = position_of(tree, loc, at_key=at_key)
        problems.append(Problem(where, line, col, ".".join(map(str, loc)), message))
    if problems:
        raise ScenarioError(sorted(problems, key=lambda p: (p.line, p.col)))
    return LoadedScenario(scenario, source, tuple(thresholds), objectives)
