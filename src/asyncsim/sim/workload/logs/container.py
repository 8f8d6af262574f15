"""The logs a workload keeps beside the request log, found by their type.

Why by type: the reports used to find a workload's logs by string names in a dict
(``"views"``, ``"clicks"``, ``"contention:writes"``); a misspelt name read as "no such
workload". A log's class is its name, so ``logs.get(ViewLog)`` is checked by mypy and
returns a ``ViewLog`` or None.
"""

from __future__ import annotations

from typing import TypeVar

L = TypeVar("L")


class ClientLogs:
    """At most one log of each type; workloads ``add`` them, reports ``get`` them."""

    def __init__(self) -> None:
        self._by_type: dict[type, object] = {}

    def add(self, log: L) -> L:
        """Keep ``log`` (returned, for chaining); a second log of one type is a bug."""
        if type(log) in self._by_type:
            raise ValueError(f"a {type(log).__name__} is already kept")
        self._by_type[type(log)] = log
        return log

    def get(self, kind: type[L]) -> L | None:
        """The log of exactly this type, or None when the workload keeps none."""
        log = self._by_type.get(kind)
        return log if isinstance(log, kind) else None

    def __getitem__(self, kind: type[L]) -> L:
        """The log of this type; KeyError when the workload keeps none."""
        log = self.get(kind)
        if log is None:
            raise KeyError(kind.__name__)
        return log

    def __contains__(self, kind: type) -> bool:
        return kind in self._by_type
