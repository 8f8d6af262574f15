"""Where a value came from: line and column in the file or in a ``--set`` assignment.

Why: every problem needs a place in the text the user wrote. ruamel stores 0-based
``(key_line, key_col, value_line, value_col)`` per mapping key and ``(line, col)`` per
sequence item in ``node.lc.data``; problems print them 1-based.  Values set with
``--set`` have no place in the file, so two side tables record where they came from
(see :class:`_SideTable`):

* :data:`ORIGINS` maps a container to the text its ``.lc`` data is relative to (the
  scenario file, or the value part of one ``--set`` assignment, whose columns are shifted
  by the value's offset in the assignment);
* :data:`OVERRIDES` maps a container to ``{key: (key position, value position)}`` for
  keys that an override created or replaced.

:func:`position_of` consults :data:`OVERRIDES` before ``.lc`` data, and follows
:data:`ORIGINS` as it descends.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

UNKNOWN_SOURCE = "<unknown>"
MISSING: Any = object()
"""What :func:`lookup_key` returns when no key matches."""

_V = TypeVar("_V")


class _SideTable(Generic[_V]):
    """Extra data for ruamel containers, keyed by identity.

    Why: ``CommentedMap``/``CommentedSeq`` are unhashable, so a
    ``WeakKeyDictionary`` cannot hold them.  Entries are keyed by ``id()`` and
    hold a weak reference whose callback drops the entry when the container
    dies, so a recycled ``id()`` can never pick up stale data.
    """

    def __init__(self) -> None:
        self._data: dict[int, tuple[weakref.ref[Any], _V]] = {}

    def get(self, obj: Any) -> _V | None:
        entry = self._data.get(id(obj))
        if entry is None or entry[0]() is not obj:
            return None
        return entry[1]

    def set(self, obj: Any, value: _V) -> None:
        key = id(obj)
        data = self._data

        def drop(ref: weakref.ref[Any]) -> None:
            current = data.get(key)
            if current is not None and current[0] is ref:
                del data[key]

        try:
            ref = weakref.ref(obj, drop)
        except TypeError:  # plain dict/list: nowhere to attach, positions fall back
            return
        data[key] = (ref, value)


@dataclass(frozen=True)
class Origin:
    """The text a container's ``.lc`` data is relative to."""

    source: str
    col_shift: int = 0  # added to columns on the first line (override values)

    def at(self, line0: int, col0: int) -> Pos:
        shift = self.col_shift if line0 == 0 else 0
        return Pos(self.source, line0 + 1, col0 + 1 + shift)


@dataclass(frozen=True)
class Pos:
    source: str
    line: int
    col: int


ORIGINS: _SideTable[Origin] = _SideTable()
OVERRIDES: _SideTable[dict[Any, tuple[Pos, Pos]]] = _SideTable()


def lookup_key(mapping: Mapping[Any, Any], part: str | int) -> Any:
    """The key of ``mapping`` that ``part`` names (``'3'`` may name the int key 3)."""
    if part in mapping:
        return part
    if isinstance(part, int) and not isinstance(part, bool) and str(part) in mapping:
        return str(part)
    if isinstance(part, str) and re.fullmatch(r"-?\d+", part) and int(part) in mapping:
        return int(part)
    return MISSING


def list_index(seq: Sequence[Any], part: str | int) -> int | None:
    """The list index that ``part`` names, or None."""
    if isinstance(part, bool):
        return None
    if isinstance(part, str):
        if not re.fullmatch(r"\d+", part):
            return None
        part = int(part)
    return part if 0 <= part < len(seq) else None


@dataclass
class Walk:
    """Where a walk along a pydantic ``loc`` ended up in the tree."""

    key_pos: Pos
    value_pos: Pos
    consumed: list[int] = field(default_factory=list)  # indices into loc that were descended


def _container_pos(node: Any, origin: Origin) -> Pos:
    lc = getattr(node, "lc", None)
    line, col = getattr(lc, "line", None), getattr(lc, "col", None)
    if isinstance(line, int) and isinstance(col, int):
        return origin.at(line, col)
    return Pos(origin.source, 1, 1)


def _child_positions(
    parent: Any, key: Any, value: Any, origin: Origin, parent_pos: Pos
) -> tuple[Pos, Pos]:
    """(key position, value position) of ``parent[key]``; overrides win over ``.lc``."""
    overridden = OVERRIDES.get(parent)
    if overridden is not None and key in overridden:
        return overridden[key]
    data = getattr(getattr(parent, "lc", None), "data", None) or {}
    entry = data.get(key)
    if entry is None:  # merged ('<<') keys and containers built in code have no data
        return parent_pos, parent_pos
    if len(entry) == 2:  # sequence item
        pos = origin.at(entry[0], entry[1])
        return pos, pos
    key_line, key_col, value_line, value_col = entry
    key_pos = origin.at(key_line, key_col)
    # An alias value reports the anchor's position (before the key), and an empty
    # value reports wherever the next token starts; the key is the better place.
    if (value_line, value_col) < (key_line, key_col) or (value is None and value_line != key_line):
        return key_pos, key_pos
    return key_pos, origin.at(value_line, value_col)


def walk_to(tree: Any, loc: Sequence[str | int], default_source: str) -> Walk:
    """Descend along ``loc``, skipping parts that are not in the tree.

    Why: pydantic locs contain entries that are not YAML keys (union member
    names, discriminator tags, validator names); skipping them and keeping
    the deepest reachable node still points at the right line.
    """
    origin = ORIGINS.get(tree) or Origin(default_source)
    pos = _container_pos(tree, origin)
    walk = Walk(pos, pos)
    node = tree
    for index, part in enumerate(loc):
        if isinstance(node, Mapping):
            key = lookup_key(node, part)
            if key is MISSING:
                continue
        elif isinstance(node, list):
            key = list_index(node, part)
            if key is None:
                continue
        else:
            break
        child = node[key]
        walk.key_pos, walk.value_pos = _child_positions(node, key, child, origin, walk.value_pos)
        walk.consumed.append(index)
        origin = ORIGINS.get(child) or origin
        node = child
    return walk


def position_of(
    tree: Any, loc: Sequence[str | int], *, at_key: bool = False
) -> tuple[str, int, int]:
    """(source, 1-based line, 1-based col) of the deepest node reachable along ``loc``.

    Why: every validation problem needs a place in the user's text.  A key
    missing from a mapping resolves to the mapping itself; ``at_key=True``
    returns the position of the last key instead of its value (used for
    unknown keys).  Values set by :func:`apply_override` report the
    ``'<--set ...>'`` pseudo-source.
    """
    walk = walk_to(tree, loc, (ORIGINS.get(tree) or Origin(UNKNOWN_SOURCE)).source)
    pos = walk.key_pos if at_key and walk.consumed else walk.value_pos
    return pos.source, pos.line, pos.col
