"""A ruamel tree -> plain ``dict``/``list``/``int``/``str`` values, with the size limits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import TaggedScalar
from ruamel.yaml.scalarbool import ScalarBoolean

from asyncsim.scenarios.problems import Problem, ScenarioError
from asyncsim.scenarios.yaml.positions import ORIGINS, UNKNOWN_SOURCE, Origin, walk_to
from asyncsim.scenarios.yaml.reading import MAX_DEPTH, MAX_NODES


@dataclass
class _Budget:
    nodes: int = 0
    shared: bool = False
    seen: set[int] = field(default_factory=set)


def to_plain(tree: Any) -> Any:
    """Convert a ruamel tree into plain ``dict``/``list``/``int``/``str``... values.

    Why: pydantic and the simulator should not see ruamel's scalar
    subclasses, and expanding aliases here is where a "billion laughs"
    document would explode, so :data:`MAX_NODES` and :data:`MAX_DEPTH`
    are enforced (for trees not made by :func:`load_yaml_text`, too).

    Raises:
        ScenarioError: too many nodes, too deep, or a recursive structure.
    """
    source = (ORIGINS.get(tree) or Origin(UNKNOWN_SOURCE)).source
    budget = _Budget()
    path: list[Any] = []
    active: set[int] = set()

    def fail(message: str) -> ScenarioError:
        walk = walk_to(tree, path, source)
        pos = walk.value_pos
        dotted = ".".join(str(part) for part in path)
        return ScenarioError([Problem(pos.source, pos.line, pos.col, dotted, message)])

    def count() -> None:
        budget.nodes += 1
        if budget.nodes > MAX_NODES:
            what = "YAML aliases expand to" if budget.shared else "the document has"
            raise fail(f"{what} more than {MAX_NODES} nodes (limit)")

    def convert(node: Any) -> Any:
        count()
        if not isinstance(node, Mapping | AbstractSet | list | tuple):
            return _plain_scalar(node)
        if id(node) in active:
            raise fail("the structure contains itself (recursive aliases are not allowed)")
        if len(active) >= MAX_DEPTH:
            raise fail(f"nesting is deeper than {MAX_DEPTH} levels (limit)")
        if id(node) in budget.seen:
            budget.shared = True
        budget.seen.add(id(node))
        active.add(id(node))
        try:
            return _convert_container(node, convert, count, path)
        finally:
            active.discard(id(node))

    return convert(tree)


def _convert_container(
    node: Any, convert: Callable[[Any], Any], count: Callable[[], None], path: list[Any]
) -> Any:
    if isinstance(node, Mapping):
        result: dict[Any, Any] = {}
        for key, value in node.items():
            count()
            path.append(key)
            try:
                result[_plain_key(key)] = convert(value)
            finally:
                path.pop()
        return result
    if isinstance(node, AbstractSet):
        return {_plain_key(item) for item in node}
    items: list[Any] = []
    for index, item in enumerate(node):
        path.append(index)
        try:
            items.append(convert(item))
        finally:
            path.pop()
    return items


def _plain_key(key: Any) -> Any:
    if isinstance(key, Mapping):
        return tuple((_plain_key(k), _plain_key(v)) for k, v in key.items())
    if isinstance(key, list | tuple):
        return tuple(_plain_key(item) for item in key)
    return _plain_scalar(key)


def _plain_scalar(value: Any) -> Any:
    """Strip ruamel's scalar subclasses (ScalarInt, ScalarFloat, TimeStamp, ...)."""
    if value is None or type(value) in (bool, int, float, str, bytes, dt.date, dt.datetime):
        return value
    if isinstance(value, TaggedScalar):  # only an explicit '!!str' gets here
        return str(value.value)
    if isinstance(value, bool | ScalarBoolean):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bytes):
        return bytes(value)
    if isinstance(value, dt.datetime):
        return dt.datetime(
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
            value.tzinfo,
        )
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    return value
