"""``--set a.b.0.c=value``: change a loaded tree in place, remembering where values came from.

Why: command-line overrides must go through the same validation and get the same precise
error positions as the file, so the value is parsed as YAML with the file's limits and its
position, in the pseudo-source ``'<--set a.b.0.c=value>'``, is recorded in the side tables
of :mod:`asyncsim.scenarios.yaml.positions`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ruamel.yaml.comments import CommentedMap

from asyncsim.lang.suggest import did_you_mean
from asyncsim.scenarios.problems import Problem, ScenarioError
from asyncsim.scenarios.yaml.describe import kind_of, show
from asyncsim.scenarios.yaml.positions import MISSING, ORIGINS, OVERRIDES, Origin, Pos, lookup_key
from asyncsim.scenarios.yaml.reading import parse_checked


def apply_override(tree: Any, assignment: str) -> None:
    """Apply one ``--set a.b.0.c=value`` assignment to ``tree`` in place.

    Why: command-line overrides must go through the same validation and get
    the same precise error positions as the file, so the value is parsed as
    YAML (``5m``, ``3``, ``[1, 2]``, ``{x: 1}``) and its position, in the
    pseudo-source ``'<--set a.b.0.c=value>'``, is recorded in the side
    tables.  Missing mapping keys (and null values) along the path become
    new mappings; a list index must exist, or equal the length to append.

    Raises:
        ScenarioError: no ``=``, an empty path or path part, indexing into a
            scalar, a bad list index, or an invalid value.
    """
    source = f"<--set {assignment}>"

    def fail(col: int, path: str, message: str) -> ScenarioError:
        return ScenarioError([Problem(source, 1, col, path, message)])

    key_text, eq, value_text = assignment.partition("=")
    if not eq:
        raise fail(1, "", "expected KEY.PATH=VALUE (no '=' found)")
    if not key_text.strip():
        raise fail(1, "", "expected KEY.PATH=VALUE (the path before '=' is empty)")
    parts: list[tuple[str, int]] = []  # (part, 1-based column)
    offset = 0
    for part in key_text.split("."):
        if not part:
            raise fail(offset + 1, key_text, "empty path segment")
        parts.append((part, offset + 1))
        offset += len(part) + 1
    value_col0 = len(key_text) + 1
    value_origin = Origin(source, value_col0)
    value, scan = parse_checked(value_text, value_origin)
    if scan.root_is_block_collection:
        raise fail(
            value_col0 + 1,
            key_text,
            "the value must be a scalar or a flow collection such as [1, 2] or {a: 1};"
            " quote it to set a string",
        )
    value_pos = value_origin.at(*scan.root) if scan.root is not None else value_origin.at(0, 0)

    node = tree
    done: list[str] = []
    for depth, (part, col) in enumerate(parts):
        last = depth == len(parts) - 1
        here = ".".join(done)
        key_pos = Pos(source, 1, col)
        if isinstance(node, Mapping):
            key = lookup_key(node, part)
            if key is MISSING and not last and here in NAMED:
                raise fail(col, here, _unknown_entry(NAMED[here], part, node))
            if key is MISSING:
                key = part
            if last:
                _set_child(node, key, value, key_pos, value_pos)
            else:
                node = _child_or_new_mapping(node, key, key_pos)
        elif isinstance(node, list):
            if not re.fullmatch(r"\d+", part):
                raise fail(
                    col, here, f"'{part}' is not a list index (the list has {len(node)} items)"
                )
            index = int(part)
            if index > len(node) or (index == len(node) and not last):
                raise fail(
                    col,
                    here,
                    f"list index {index} is out of range (the list has {len(node)} items)",
                )
            if last:
                if index == len(node):
                    node.append(value)
                _set_child(node, index, value, key_pos, value_pos)
            else:
                node = _child_or_new_mapping(node, index, key_pos)
        else:
            raise fail(col, here, f"cannot set '{part}' inside {kind_of(node)} ({show(node)})")
        done.append(part)


NAMED = {"strategies": "strategy", "backends": "backend"}
"""Top-level mappings of named entries: a path may change one, not make one up by the way
(``--set strategies.swr=[...]`` adds a strategy; ``strategies.sw.0.cache.ttl=5s`` is a typo)."""


def _unknown_entry(kind: str, name: str, node: Mapping[Any, Any]) -> str:
    names = [str(k) for k in node]
    hint = did_you_mean(name, names)
    return (f"no {kind} '{name}'" + (f" (did you mean '{hint}'?)" if hint else "")
            + f"; the scenario has: {', '.join(names) or 'none'}")


def _child_or_new_mapping(container: Any, key: Any, key_pos: Pos) -> Any:
    """``container[key]``, replaced by a new mapping when missing or null."""
    child = container.get(key) if isinstance(container, Mapping) else container[key]
    if child is None:
        child = CommentedMap()
        ORIGINS.set(child, Origin(key_pos.source))
        _set_child(container, key, child, key_pos, key_pos)
    return child


def _set_child(container: Any, key: Any, value: Any, key_pos: Pos, value_pos: Pos) -> None:
    container[key] = value
    table = OVERRIDES.get(container)
    if table is None:
        table = {}
        OVERRIDES.set(container, table)
    table[key] = (key_pos, value_pos)
