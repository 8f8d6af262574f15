"""``asyncsim validate``: load a scenario with every check, and say what it holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from asyncsim.commands.common import load
from asyncsim.scenarios.models import Scenario


@dataclass(frozen=True)
class Checked:
    scenario: Scenario
    line: str
    """``file: 'name': 2 backend(s), 3 strategies, 5 replication(s)``."""


def validate_scenario(path: Path, overrides: Sequence[str] = ()) -> Checked:
    """The scenario and its one-line description; a ScenarioError lists every problem
    when the file is invalid."""
    loaded = load(path, overrides)
    s = loaded.scenario
    return Checked(s, f"{loaded.source}: {s.name!r}: {len(s.backends)} backend(s), "
                      f"{len(s.strategies)} strategies, {s.replications} replication(s)")
