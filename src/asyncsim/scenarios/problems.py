"""What a scenario's author is told: located problems, and the one exception that carries them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One user-facing mistake, located in the text the user wrote.

    Why: a plain value object can be sorted, de-duplicated and printed in the
    format editors and CI logs understand (``file:line:col: ...``).
    """

    source: str
    """File path as given, or ``'<--set key=value>'`` for overrides."""
    line: int
    """1-based line."""
    col: int
    """1-based column."""
    path: str
    """Dotted path such as ``backends.api.workers``; ``''`` for the whole document."""
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}:{self.col}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ScenarioError(Exception):
    """Carries every problem found; str() joins them one per line.

    Why: the CLI catches this one exception type and prints the problems,
    so users get all mistakes in one run instead of one traceback.
    """

    problems: list[Problem]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)
