"""Reading scenario YAML safely, with limits, into a ruamel round-trip tree.

Why: the round-trip tree remembers the line and column of every key and value, which
error messages need.  Safety: every YAML *event* is checked as ruamel's composer pulls
it, and ruamel composes the whole document before constructing any object.  The check
rejects non-standard tags (``!!python/object``, ``!foo``), recursive aliases, nesting
deeper than :data:`MAX_DEPTH`, more than :data:`MAX_ALIASES` alias uses, and documents
whose aliases would expand to more than :data:`MAX_NODES` nodes ("billion laughs"); a
limit stops the parse at once.  Construction uses ``YAML(typ="rt")``, which never runs
code.  Duplicate keys are refused.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
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

from asyncsim.lang.suggest import did_you_mean
from asyncsim.scenarios.problems import Problem, ScenarioError
from asyncsim.scenarios.yaml.describe import kind_of
from asyncsim.scenarios.yaml.positions import ORIGINS, Origin

MAX_BYTES = 5 * 1024 * 1024
"""Largest scenario file we read; anything bigger is not a hand-written scenario."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences (after alias expansion)."""
MAX_ALIASES = 100
"""Most ``*alias`` uses in one document."""
MAX_NODES = 200_000
"""Most nodes a document may expand to once aliases are resolved."""
MAX_STRATEGIES = 100
"""Most strategies in one scenario. Why: every strategy is simulated ``replications``
times and drawn in every chart; past a hundred the report is unreadable and the run
takes hours. Counted while the YAML is read, so a file with 300,000 strategies is refused
after the 101st, in well under a second, not after minutes of parsing."""

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
MISSING: Any = object()


@dataclass
class _Frame:
    anchor: str | None
    size: int = 1
    height: int = 0
    mapping: bool = False
    key_next: bool = True  # in a mapping: the next child node is a key
    key: object = None  # in a mapping: the last key seen
    keys: int = 0
    counted: bool = False  # the top-level ``strategies`` mapping: its keys are counted


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

    def __init__(self, origin: Origin) -> None:
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
        if not isinstance(event, CollectionEndEvent):
            self._note_child(event, mark)
        if isinstance(event, MappingStartEvent | SequenceStartEvent):
            parent = frames[-1] if frames else None
            counted = (isinstance(event, MappingStartEvent) and len(frames) == 1
                       and parent is not None and parent.mapping
                       and parent.key == "strategies")
            frames.append(_Frame(event.anchor, mapping=isinstance(event, MappingStartEvent),
                                 counted=counted))
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

    def _note_child(self, event: Any, mark: Any) -> None:
        """Track keys of mappings, to count the strategies before they are all parsed."""
        if not self._frames or not self._frames[-1].mapping:
            return
        frame = self._frames[-1]
        if frame.key_next:
            frame.key = event.value if isinstance(event, ScalarEvent) else None
            frame.keys += 1
            if frame.counted and frame.keys > MAX_STRATEGIES:
                self._limit(mark, f"more than {MAX_STRATEGIES} strategies (limit; split "
                                  "the comparison into several scenarios)")
        frame.key_next = not frame.key_next

    def _count(self, mark: Any, size: int, *, alias: bool) -> None:
        self._total += size
        if self._total > MAX_NODES:
            what = "YAML aliases expand to" if alias else "the document has"
            self._limit(mark, f"{what} more than {MAX_NODES} nodes (limit)")


_NODE_EVENTS = (ScalarEvent, AliasEvent, MappingStartEvent, SequenceStartEvent, CollectionEndEvent)


def _problem_from_yaml_error(exc: YAMLError, text: str, origin: Origin) -> Problem:
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


def parse_checked(text: str, origin: Origin) -> tuple[Any, _EventChecker]:
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
        ORIGINS.set(data, origin)
    return data, checker


def load_yaml_text(text: str, source: str) -> Any:
    """Parse scenario text into a ruamel round-trip tree (a ``CommentedMap``).

    Why: the round-trip tree keeps line/column data for every key and value,
    which :func:`problems_from_validation_error` needs; parsing is safe
    (standard tags only) and bounded (see the module limits).

    Raises:
        ScenarioError: malformed YAML, a forbidden tag, a duplicate key, a
            limit exceeded, or a top level that is not a mapping.
    """
    origin = Origin(source)
    data, scan = parse_checked(text, origin)
    if not isinstance(data, CommentedMap):
        pos = origin.at(*scan.root) if scan.root is not None else origin.at(0, 0)
        raise ScenarioError(
            [
                Problem(
                    pos.source,
                    pos.line,
                    pos.col,
                    "",
                    f"the scenario must be a mapping of fields (got {kind_of(data)})",
                )
            ]
        )
    return data


def _not_found(path: Path) -> str:
    """'file not found', with the closest .yaml name in the folder when one is close."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        names = [p.name for p in folder.iterdir() if p.suffix in (".yaml", ".yml")]
    except OSError:
        names = []
    hint = did_you_mean(path.name, names)
    return "file not found" + (f" (did you mean {folder / hint}?)" if hint else "")


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
        raise fail(_not_found(Path(path))) from None
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
