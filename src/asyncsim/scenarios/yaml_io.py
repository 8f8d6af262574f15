"""YAML loading and friendly validation errors for scenario files.

Why: a scenario author should see *every* mistake at once, as
``file:line:col: dotted.path: message`` lines that point into their YAML, and
never a Python traceback.  This module is the boundary that turns YAML text
into a ruamel round-trip tree (which remembers line and column of every key
and value) and turns pydantic errors back into positions in that tree.

Safety: every YAML *event* is checked as ruamel's composer pulls it, and
ruamel composes the whole document before constructing any object.  The
check rejects non-standard tags (``!!python/object``, ``!foo``), recursive
aliases, nesting deeper than :data:`MAX_DEPTH`, more than
:data:`MAX_ALIASES` alias uses, and documents whose aliases would expand to
more than :data:`MAX_NODES` nodes ("billion laughs"); a limit stops the
parse at once.  Construction uses ``YAML(typ="rt")``, which never runs code.

Positions: ruamel stores 0-based ``(key_line, key_col, value_line,
value_col)`` per mapping key and ``(line, col)`` per sequence item in
``node.lc.data``; problems print them 1-based.  Values set with ``--set``
(:func:`apply_override`) have no place in the file, so two side tables
record where they came from (see :class:`_SideTable`):

* ``_ORIGINS`` maps a container to the text its ``.lc`` data is relative to
  (the scenario file, or the value part of one ``--set`` assignment, whose
  columns are shifted by the value's offset in the assignment);
* ``_OVERRIDES`` maps a container to ``{key: (key position, value position)}``
  for keys that an override created or replaced.

:func:`position_of` consults ``_OVERRIDES`` before ``.lc`` data, and follows
``_ORIGINS`` as it descends.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import types
import typing
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import pydantic
from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.scalarbool import ScalarBoolean

__all__ = [
    "MAX_ALIASES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "Problem",
    "ScenarioError",
    "apply_override",
    "did_you_mean",
    "load_yaml_file",
    "load_yaml_text",
    "position_of",
    "problems_from_validation_error",
    "to_plain",
]

MAX_BYTES = 5 * 1024 * 1024
"""Largest scenario file we read; anything bigger is not a hand-written scenario."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences (after alias expansion)."""
MAX_ALIASES = 100
"""Most ``*alias`` uses in one document."""
MAX_NODES = 200_000
"""Most nodes a document may expand to once aliases are resolved."""

_STANDARD_TAGS = frozenset(
    {"!"}
    | {
        f"tag:yaml.org,2002:{name}"
        for name in (
            "null",
            "bool",
            "int",
            "float",
            "str",
            "map",
            "seq",
            "timestamp",
            "binary",
            "omap",
            "set",
            "merge",
        )
    }
)
_YAML_TAG_PREFIX = "tag:yaml.org,2002:"
_UNKNOWN_SOURCE = "<unknown>"
_MISSING: Any = object()


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


# --------------------------------------------------------------------------- side tables

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
class _Origin:
    """The text a container's ``.lc`` data is relative to."""

    source: str
    col_shift: int = 0  # added to columns on the first line (override values)

    def at(self, line0: int, col0: int) -> _Pos:
        shift = self.col_shift if line0 == 0 else 0
        return _Pos(self.source, line0 + 1, col0 + 1 + shift)


@dataclass(frozen=True)
class _Pos:
    source: str
    line: int
    col: int


_ORIGINS: _SideTable[_Origin] = _SideTable()
_OVERRIDES: _SideTable[dict[Any, tuple[_Pos, _Pos]]] = _SideTable()


# --------------------------------------------------------------------------- parsing


@dataclass
class _Frame:
    anchor: str | None
    size: int = 1
    height: int = 0


class _Abort(Exception):
    """A limit was hit: stop parsing now, the checker holds the problems."""


def _new_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML_TAG_PREFIX) :] if tag.startswith(_YAML_TAG_PREFIX) else tag


class _EventChecker:
    """Checks tags, depth and alias use on the YAML event stream.

    Why: events do not expand aliases, so checking them is linear in the text
    even for an alias bomb.  The checker sees each event as the composer pulls
    it, so a limit aborts before the composer recurses deeper or anything is
    constructed, and (because ruamel composes the whole document before
    constructing it) forbidden tags are reported before any object is built.
    """

    def __init__(self, origin: _Origin) -> None:
        self.origin = origin
        self.problems: list[Problem] = []
        self.root: tuple[int, int] | None = None  # 0-based mark of the top node
        self.root_is_block_collection = False
        self.finished = False  # saw the end of the stream
        self._frames: list[_Frame] = []
        self._anchors: dict[str, tuple[int, int]] = {}  # anchor -> (expanded size, height)
        self._aliases = 0
        self._total = 0

    def _add(self, mark: Any, message: str) -> None:
        pos = self.origin.at(mark.line, mark.column)
        self.problems.append(Problem(pos.source, pos.line, pos.col, "", message))

    def _limit(self, mark: Any, message: str) -> None:
        self._add(mark, message)
        raise _Abort

    def check(self, event: Any) -> None:
        """Inspect one event; raise :class:`_Abort` when a limit is exceeded."""
        if isinstance(event, StreamEndEvent):
            self.finished = True
            if self.problems:
                raise _Abort
            return
        if not isinstance(event, _NODE_EVENTS):
            return
        mark = event.start_mark
        if self.root is None and not isinstance(event, CollectionEndEvent):
            self.root = (mark.line, mark.column)
            self.root_is_block_collection = (
                isinstance(event, MappingStartEvent | SequenceStartEvent) and not event.flow_style
            )
        tag = getattr(event, "tag", None)
        if tag is not None and str(tag) not in _STANDARD_TAGS:
            self._add(
                mark,
                f"tag '{_show_tag(str(tag))}' is not allowed (only plain YAML data is accepted)",
            )
        frames = self._frames
        if isinstance(event, MappingStartEvent | SequenceStartEvent):
            frames.append(_Frame(event.anchor))
            self._count(mark, 1, alias=False)
            if len(frames) > MAX_DEPTH:
                self._limit(mark, f"nesting is deeper than {MAX_DEPTH} levels (limit)")
            return
        if isinstance(event, CollectionEndEvent):
            frame = frames.pop()
            size, height = frame.size, frame.height + 1
            if frame.anchor is not None:
                self._anchors[frame.anchor] = (size, height)
        elif isinstance(event, AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                self._limit(mark, f"more than {MAX_ALIASES} YAML aliases (limit)")
            if any(frame.anchor == event.anchor for frame in frames):
                self._limit(
                    mark,
                    f"alias '*{event.anchor}' refers to a node that contains it"
                    " (recursive aliases are not allowed)",
                )
            size, height = self._anchors.get(event.anchor, (1, 0))
            self._count(mark, size, alias=True)
            if len(frames) + height > MAX_DEPTH:
                self._limit(mark, f"nesting is deeper than {MAX_DEPTH} levels (limit)")
        else:  # a scalar
            size, height = 1, 0
            if event.anchor is not None:
                self._anchors[event.anchor] = (size, height)
            self._count(mark, size, alias=False)
        if frames:
            frames[-1].size += size
            frames[-1].height = max(frames[-1].height, height)

    def _count(self, mark: Any, size: int, *, alias: bool) -> None:
        self._total += size
        if self._total > MAX_NODES:
            what = "YAML aliases expand to" if alias else "the document has"
            self._limit(mark, f"{what} more than {MAX_NODES} nodes (limit)")


_NODE_EVENTS = (ScalarEvent, AliasEvent, MappingStartEvent, SequenceStartEvent, CollectionEndEvent)


def _problem_from_yaml_error(exc: YAMLError, text: str, origin: _Origin) -> Problem:
    """Turn a ruamel exception into one located problem, without its traceback."""
    if isinstance(exc, MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        pos = origin.at(mark.line, mark.column) if mark is not None else origin.at(0, 0)
        message = str(exc.problem or exc.context or "invalid YAML")
        context_mark = exc.context_mark
        if exc.context and exc.problem and context_mark is not None:
            start = origin.at(context_mark.line, context_mark.column)
            message += f" ({exc.context} started at line {start.line}, col {start.col})"
        if "'\\t'" in message:
            message += "; indent with spaces, YAML does not allow tabs here"
        return Problem(pos.source, pos.line, pos.col, "", message)
    if isinstance(exc, ReaderError):
        offset = int(exc.position)
        line0 = text.count("\n", 0, offset)
        col0 = offset - (text.rfind("\n", 0, offset) + 1)
        pos = origin.at(line0, col0)
        char = exc.character
        shown = f"{char:#04x}" if isinstance(char, int) else repr(char)
        return Problem(
            pos.source, pos.line, pos.col, "", f"special character {shown} is not allowed in YAML"
        )
    pos = origin.at(0, 0)
    return Problem(pos.source, pos.line, pos.col, "", str(exc))


def _parse(text: str, origin: _Origin) -> tuple[Any, _EventChecker]:
    """Parse ``text`` with the event checker in the loop; raise every problem found.

    Why: ruamel is pure Python and slow (seconds per MB), so the checks ride
    on the one parse that builds the tree instead of a second pass.  Should
    a ruamel version bypass ``parser.get_event``, a separate checking pass
    runs instead, so safety never depends on that hook.
    """
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        pos = origin.at(0, 0)
        message = f"the YAML is larger than {MAX_BYTES} bytes (limit)"
        raise ScenarioError([Problem(pos.source, pos.line, pos.col, "", message)])
    checker = _EventChecker(origin)
    yaml = _new_yaml()
    parser = yaml.parser
    get_event = parser.get_event

    def checked_get_event() -> Any:
        event = get_event()
        checker.check(event)
        return event

    parser.get_event = checked_get_event
    try:
        data = yaml.load(text)
        if not checker.finished:  # the hook was bypassed: check in a separate pass
            checker = _EventChecker(origin)
            for event in _new_yaml().parse(text):
                checker.check(event)
    except _Abort:
        raise ScenarioError(checker.problems) from None
    except YAMLError as exc:
        problem = _problem_from_yaml_error(exc, text, origin)
        raise ScenarioError([*checker.problems, problem]) from None
    if isinstance(data, CommentedMap | CommentedSeq):
        _ORIGINS.set(data, origin)
    return data, checker


def _kind(value: Any) -> str:
    if value is None:
        return "an empty document"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, AbstractSet):
        return "a set"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool | ScalarBoolean):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return f"a {type(value).__name__}"


def load_yaml_text(text: str, source: str) -> Any:
    """Parse scenario text into a ruamel round-trip tree (a ``CommentedMap``).

    Why: the round-trip tree keeps line/column data for every key and value,
    which :func:`problems_from_validation_error` needs; parsing is safe
    (standard tags only) and bounded (see the module limits).

    Raises:
        ScenarioError: malformed YAML, a forbidden tag, a duplicate key, a
            limit exceeded, or a top level that is not a mapping.
    """
    origin = _Origin(source)
    data, scan = _parse(text, origin)
    if not isinstance(data, CommentedMap):
        pos = origin.at(*scan.root) if scan.root is not None else origin.at(0, 0)
        raise ScenarioError(
            [
                Problem(
                    pos.source,
                    pos.line,
                    pos.col,
                    "",
                    f"the scenario must be a mapping of fields (got {_kind(data)})",
                )
            ]
        )
    return data


def load_yaml_file(path: Path) -> Any:
    """Read a scenario file (UTF-8, at most :data:`MAX_BYTES`) and parse it.

    Why: the size is checked with ``os.stat`` before reading, so a huge file
    (or a device) is rejected without loading it into memory; OS and
    encoding errors become problems at line 1, col 1 instead of tracebacks.
    """
    source = str(path)

    def fail(message: str, line: int = 1, col: int = 1) -> ScenarioError:
        return ScenarioError([Problem(source, line, col, "", message)])

    try:
        size = os.stat(path).st_size
        if size > MAX_BYTES:
            raise fail(f"file is {size} bytes, larger than the {MAX_BYTES}-byte limit")
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise fail("file not found") from None
    except IsADirectoryError:
        raise fail("is a directory, not a scenario file") from None
    except PermissionError:
        raise fail("permission denied") from None
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:  # the file grew after stat, or is not a regular file
        raise fail(f"file is larger than the {MAX_BYTES}-byte limit")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise fail(
            f"invalid UTF-8 byte 0x{bad} (scenario files must be UTF-8)", line, col
        ) from None
    return load_yaml_text(text, source)


# --------------------------------------------------------------------------- overrides


def _lookup_key(mapping: Mapping[Any, Any], part: str | int) -> Any:
    """The key of ``mapping`` that ``part`` names (``'3'`` may name the int key 3)."""
    if part in mapping:
        return part
    if isinstance(part, int) and not isinstance(part, bool) and str(part) in mapping:
        return str(part)
    if isinstance(part, str) and re.fullmatch(r"-?\d+", part) and int(part) in mapping:
        return int(part)
    return _MISSING


def _index(seq: Sequence[Any], part: str | int) -> int | None:
    """The list index that ``part`` names, or None."""
    if isinstance(part, bool):
        return None
    if isinstance(part, str):
        if not re.fullmatch(r"\d+", part):
            return None
        part = int(part)
    return part if 0 <= part < len(seq) else None


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
    value_origin = _Origin(source, value_col0)
    value, scan = _parse(value_text, value_origin)
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
        key_pos = _Pos(source, 1, col)
        if isinstance(node, Mapping):
            key = _lookup_key(node, part)
            if key is _MISSING:
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
            raise fail(col, here, f"cannot set '{part}' inside {_kind(node)} ({_show(node)})")
        done.append(part)


def _child_or_new_mapping(container: Any, key: Any, key_pos: _Pos) -> Any:
    """``container[key]``, replaced by a new mapping when missing or null."""
    child = container.get(key) if isinstance(container, Mapping) else container[key]
    if child is None:
        child = CommentedMap()
        _ORIGINS.set(child, _Origin(key_pos.source))
        _set_child(container, key, child, key_pos, key_pos)
    return child


def _set_child(container: Any, key: Any, value: Any, key_pos: _Pos, value_pos: _Pos) -> None:
    container[key] = value
    table = _OVERRIDES.get(container)
    if table is None:
        table = {}
        _OVERRIDES.set(container, table)
    table[key] = (key_pos, value_pos)


# --------------------------------------------------------------------------- positions


@dataclass
class _Walk:
    """Where a walk along a pydantic ``loc`` ended up in the tree."""

    key_pos: _Pos
    value_pos: _Pos
    consumed: list[int] = field(default_factory=list)  # indices into loc that were descended


def _container_pos(node: Any, origin: _Origin) -> _Pos:
    lc = getattr(node, "lc", None)
    line, col = getattr(lc, "line", None), getattr(lc, "col", None)
    if isinstance(line, int) and isinstance(col, int):
        return origin.at(line, col)
    return _Pos(origin.source, 1, 1)


def _child_positions(
    parent: Any, key: Any, value: Any, origin: _Origin, parent_pos: _Pos
) -> tuple[_Pos, _Pos]:
    """(key position, value position) of ``parent[key]``; overrides win over ``.lc``."""
    overridden = _OVERRIDES.get(parent)
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


def _walk(tree: Any, loc: Sequence[str | int], default_source: str) -> _Walk:
    """Descend along ``loc``, skipping parts that are not in the tree.

    Why: pydantic locs contain entries that are not YAML keys (union member
    names, discriminator tags, validator names); skipping them and keeping
    the deepest reachable node still points at the right line.
    """
    origin = _ORIGINS.get(tree) or _Origin(default_source)
    pos = _container_pos(tree, origin)
    walk = _Walk(pos, pos)
    node = tree
    for index, part in enumerate(loc):
        if isinstance(node, Mapping):
            key = _lookup_key(node, part)
            if key is _MISSING:
                continue
        elif isinstance(node, list):
            key = _index(node, part)
            if key is None:
                continue
        else:
            break
        child = node[key]
        walk.key_pos, walk.value_pos = _child_positions(node, key, child, origin, walk.value_pos)
        walk.consumed.append(index)
        origin = _ORIGINS.get(child) or origin
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
    walk = _walk(tree, loc, (_ORIGINS.get(tree) or _Origin(_UNKNOWN_SOURCE)).source)
    pos = walk.key_pos if at_key and walk.consumed else walk.value_pos
    return pos.source, pos.line, pos.col


# --------------------------------------------------------------------------- messages


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word``, if any is close enough (typo hints)."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _show(value: Any) -> str:
    """A short YAML-flavoured rendering of an input value for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool | ScalarBoolean):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, str):
        return repr(str(value))
    if isinstance(value, Mapping | AbstractSet | list | tuple):
        return _kind(value)
    return str(value)


def _unwrap(tp: Any) -> list[Any]:
    """Concrete alternatives of an annotation (Annotated, Optional and unions removed)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [alt for arg in typing.get_args(tp) for alt in _unwrap(arg)]
    if tp is type(None):
        return []
    return [tp]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _public_fields(model: type[BaseModel]) -> dict[str, Any]:
    """Field names as they appear in YAML (the alias when there is one) -> annotation."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        fields[alias or name] = info.annotation
    return fields


def _step(tp: Any, part: str | int) -> list[Any]:
    """Types reached from ``tp`` by one loc part; empty when ``tp`` cannot take it."""
    if _is_model(tp):
        fields = _public_fields(tp)
        if part in fields:
            return [fields[part]]
        by_name = tp.model_fields.get(str(part))
        return [by_name.annotation] if by_name is not None else []
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if isinstance(origin, type) and issubclass(origin, Mapping):
        return [args[1]] if len(args) == 2 else []
    if isinstance(part, int) and isinstance(origin, type):
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                return [args[0]]
            return [args[part]] if part < len(args) else []
        if issubclass(origin, Sequence | AbstractSet) and not issubclass(origin, str) and args:
            return [args[0]]
    return []


def _literal_values(model: type[BaseModel]) -> set[Any]:
    values: set[Any] = set()
    for info in model.model_fields.values():
        for alt in _unwrap(info.annotation):
            if typing.get_origin(alt) is typing.Literal:
                values.update(typing.get_args(alt))
    return values


def _allowed_fields(model: type[BaseModel] | None, loc: Sequence[str | int]) -> list[str] | None:
    """Field names allowed at ``loc`` by walking the model's fields, or None if unknown.

    Why: "allowed: ..." turns an unknown-key error into a fix.  The walk keeps
    a set of candidate types so unions (and the union-member tags pydantic
    puts into locs) are handled without re-implementing pydantic.
    """
    if model is None:
        return None
    candidates = _unwrap(model)
    for part in loc:
        named = [tp for tp in candidates if _is_model(tp) and tp.__name__ == part]
        if named:
            candidates = named
            continue
        stepped = [
            alt for tp in candidates for reached in _step(tp, part) for alt in _unwrap(reached)
        ]
        if stepped:
            candidates = stepped
            continue
        tagged = [tp for tp in candidates if _is_model(tp) and part in _literal_values(tp)]
        if tagged:
            candidates = tagged
        # otherwise a validator name or other non-field loc entry: stay put
    names: list[str] = []
    for tp in candidates:
        if _is_model(tp):
            names.extend(name for name in _public_fields(tp) if name not in names)
    return names or None


def _split_expected(expected: str) -> list[str]:
    """``"'a', 'b' or 'c'"`` -> ``["'a'", "'b'", "'c'"]`` (quoted items may hold commas)."""
    tokens = re.findall(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[^\s,]+", expected)
    return [token for token in tokens if token != "or"]


def _not_allowed(value: Any, options: Sequence[str]) -> str:
    hint = did_you_mean(str(value), [option.strip("'\"") for option in options])
    suggestion = f"did you mean '{hint}'? " if hint is not None else ""
    return f"{_show(value)} is not allowed ({suggestion}allowed: {', '.join(options)})"


def _message(
    error: Mapping[str, Any], loc: Sequence[str | int], model: type[BaseModel] | None
) -> str:
    kind: str = error["type"]
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    msg: str = error["msg"]
    value = error.get("input")
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else "?"
        allowed = _allowed_fields(model, loc[:-1])
        if allowed is None:
            return f"unknown field '{name}'"
        hint = did_you_mean(name, allowed)
        suggestion = f"did you mean '{hint}'? " if hint is not None else ""
        return f"unknown field '{name}' ({suggestion}allowed: {', '.join(allowed)})"
    if kind == "missing":
        return f"missing required field '{loc[-1]}'" if loc else "missing required value"
    if kind in ("literal_error", "enum") and "expected" in ctx:
        return _not_allowed(value, _split_expected(str(ctx["expected"])))
    if kind == "union_tag_invalid" and "expected_tags" in ctx:
        return _not_allowed(ctx.get("tag"), _split_expected(str(ctx["expected_tags"])))
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    if kind == "assertion_error":
        return msg.removeprefix("Assertion failed, ")
    shown = _show(value)
    return f"{msg} (got {shown})" if len(shown) <= 40 else msg


def _discriminator(error: Mapping[str, Any]) -> str | None:
    """The field name behind a discriminated-union error, when it is a plain field."""
    name = str((error.get("ctx") or {}).get("discriminator", ""))
    match = re.fullmatch(r"'([^']+)'", name)
    return match.group(1) if match else None


def problems_from_validation_error(
    err: pydantic.ValidationError,
    tree: Any,
    source: str,
    model: type[BaseModel] | None = None,
) -> list[Problem]:
    """Turn every pydantic error into a located, friendly :class:`Problem`.

    Why: pydantic reports Python-level locs and messages; users need the line
    in their YAML, the dotted path they typed, and a hint ("did you mean",
    "allowed: ...").  Pass ``model`` to get allowed field names.  Problems
    are de-duplicated and sorted by position, the file's own problems first
    and ``--set`` problems after.
    """
    problems: list[Problem] = []
    literals: dict[tuple[_Pos, str, str], tuple[Any, list[str]]] = {}
    for error in err.errors(include_url=False):
        loc: tuple[str | int, ...] = tuple(error["loc"])
        kind = error["type"]
        name = _discriminator(error)
        if kind in ("union_tag_invalid", "union_tag_not_found") and name is not None:
            loc = (*loc, name)  # point at the tag field itself
            if kind == "union_tag_not_found":
                kind = "missing"
        walk = _walk(tree, loc, source)
        at_key = kind == "extra_forbidden" or (bool(loc) and loc[-1] == "[key]")
        pos = walk.key_pos if at_key and walk.consumed else walk.value_pos
        parts = [loc[i] for i in walk.consumed]
        if kind in ("missing", "extra_forbidden") and loc and len(loc) - 1 not in walk.consumed:
            parts.append(loc[-1])
        path = ".".join(str(part) for part in parts)
        ctx = error.get("ctx") or {}
        if kind in ("literal_error", "enum") and "expected" in ctx:
            # Each union member reports its own literal; merge them into one problem.
            value = error.get("input")
            _, options = literals.setdefault((pos, path, _show(value)), (value, []))
            options.extend(o for o in _split_expected(str(ctx["expected"])) if o not in options)
            continue
        message = _message({**error, "type": kind}, loc, model)
        problems.append(Problem(pos.source, pos.line, pos.col, path, message))
    for (pos, path, _), (value, options) in literals.items():
        problems.append(Problem(pos.source, pos.line, pos.col, path, _not_allowed(value, options)))

    def order(problem: Problem) -> tuple[bool, str, int, int, str, str]:
        first = problem.source != source
        return (first, problem.source, problem.line, problem.col, problem.path, problem.message)

    return sorted(set(problems), key=order)


# --------------------------------------------------------------------------- plain data


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
    source = (_ORIGINS.get(tree) or _Origin(_UNKNOWN_SOURCE)).source
    budget = _Budget()
    path: list[Any] = []
    active: set[int] = set()

    def fail(message: str) -> ScenarioError:
        walk = _walk(tree, path, source)
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
