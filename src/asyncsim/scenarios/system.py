"""Strategies that change the system: a ``system`` item overrides fields of the backends or
the workload for one strategy.

```yaml
strategies:
  workers-8: []
  workers-16:
    - system: {backends.api.workers: 16, backends.api.drop_expired: true}
```
Each key is a dotted path from ``backends`` or ``workload`` (list items by index), each
value replaces what is there (a mapping replaces the whole mapping; a missing mapping on
the way is created, so ``backends.api.errors.rate`` works when ``errors`` was not written).
The strategy then runs the scenario as written with those values: its backends and workload
are validated and checked like the file's own (an unknown field, a wrong type, a broken
cross-field rule is reported at the override), and the run keeps common random numbers with
the other strategies, since random streams depend on the seed, the replication and names.

Why dotted paths and not a nested copy of the file: one line says what differs, the same way
``--set`` does on the command line, and an error can point at exactly that line.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from asyncsim.lang.suggest import did_you_mean

ROOTS = ("backends", "workload")
"""What a strategy may change: the system under test, not the run (seed, duration) or the
other strategies."""


@dataclass(frozen=True)
class Override:
    """One ``path: value`` of a strategy's ``system`` item, with where it is written."""

    item: int          # index of the system item in the strategy's list
    path: str          # as written: "backends.api.workers"
    value: Any

    @property
    def parts(self) -> tuple[str | int, ...]:
        return tuple(int(p) if re.fullmatch(r"\d+", p) else p for p in self.path.split("."))


class OverrideError(ValueError):
    """A path that cannot be followed (empty part, wrong root, into a scalar, bad index)."""

    def __init__(self, override: Override, message: str) -> None:
        super().__init__(message)
        self.override = override


def overrides_of(items: Sequence[Any]) -> list[Override]:
    """The strategy's overrides in the order written (a later one wins on the same path)."""
    found = []
    for index, item in enumerate(items):
        system = getattr(item, "system", None)
        if system is not None:
            found += [Override(index, path, value) for path, value in system.items()]
    return found


def apply(raw: Mapping[str, Any], overrides: Sequence[Override]) -> dict[str, Any]:
    """A deep copy of the scenario's plain input with every override applied.

    Raises:
        OverrideError: for the first path that cannot be followed, with the override.
    """
    tree: dict[str, Any] = copy.deepcopy(dict(raw))
    for override in overrides:
        _set(tree, override)
    return tree


def _set(tree: dict[str, Any], override: Override) -> None:
    parts = override.parts
    if any(part == "" for part in parts):
        raise OverrideError(override, "empty path segment (write e.g. backends.api.workers)")
    if parts[0] not in ROOTS:
        raise OverrideError(override, f"a strategy can change {' or '.join(ROOTS)}, not "
                                      f"{parts[0]!r} (write e.g. backends.api.workers)")
    if len(parts) < 2:
        raise OverrideError(override, f"name a field inside {parts[0]} "
                                      "(e.g. backends.api.workers)")
    node: Any = tree
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(map(str, parts[:depth])) or "the scenario"
        if isinstance(node, dict):
            key = str(part)
            if last:
                node[key] = copy.deepcopy(override.value)
                return
            if node.get(key) is None:
                if depth == 1 and parts[0] == "backends":
                    raise OverrideError(override, _unknown_backend(key, node))
                node[key] = {}
            node = node[key]
        elif isinstance(node, list):
            if not isinstance(part, int) or part >= len(node):
                raise OverrideError(override, f"{where} is a list of {len(node)} items: "
                                              f"{part!r} is not one of its indexes "
                                              f"(0..{len(node) - 1})")
            if last:
                node[part] = copy.deepcopy(override.value)
                return
            node = node[part]
        else:
            raise OverrideError(override, f"{where} is a single value ({node!r}): it has no field "
                                f"{part!r}")


def _unknown_backend(name: str, backends: Mapping[str, Any]) -> str:
    hint = did_you_mean(name, backends)
    suggestion = f"did you mean {hint!r}? " if hint else ""
    return (f"unknown backend {name!r} ({suggestion}allowed: {', '.join(sorted(backends))}); "
            f"to add one, set the whole backend: backends.{name}: {{latency: ...}}")


def covering(overrides: Sequence[Override],
             loc: Sequence[str | int]) -> Override | None:
    """The last override whose path is ``loc`` or a prefix of it: the one to blame for a
    problem found at ``loc`` of the changed scenario."""
    found = None
    for override in overrides:
        parts = override.parts
        if tuple(loc[:len(parts)]) == parts:
            found = override
    return found
