"""``asyncsim validate``: load a scenario with every check, and say what it holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from asyncsim.commands.common import load
from asyncsim.scenarios.checks.cost import MAX_MEMORY_BYTES, MAX_REQUESTS
from asyncsim.scenarios.models import Scenario


@dataclass(frozen=True)
class Checked:
    scenario: Scenario
    line: str
    """``file: 'name': 2 backend(s), 3 strategies, 5 replication(s)``."""


def validate_scenario(path: Path, overrides: Sequence[str] = (), *,
                      max_requests: float = MAX_REQUESTS,
                      max_memory_bytes: float = MAX_MEMORY_BYTES) -> Checked:
    """The scenario and its one-line description; a ScenarioError lists every problem
    when the file is invalid (or its run above the cost limits)."""
    loaded = load(path, overrides, max_requests=max_requests,
                  max_memory_bytes=max_memory_bytes)
    s = loaded.scenario
    return Checked(s, f"{loaded.source}: {s.name!r}: {len(s.backends)} backend(s), "
                      f"{len(s.strategies)} strategies, {s.replications} replication(s)")
