"""pydantic errors -> :class:`Problem` lines: the place in the YAML, the dotted path, a hint.

Why: pydantic reports Python-level locs and messages; users need the line in their YAML,
the path they typed, and a fix ("did you mean", "allowed: ...").
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

import pydantic
from pydantic import BaseModel

from asyncsim.lang.suggest import did_you_mean
from asyncsim.scenarios.problems import Problem
from asyncsim.scenarios.yaml.describe import show
from asyncsim.scenarios.yaml.positions import Pos, walk_to


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


def _field_at(model: type[BaseModel] | None, loc: Sequence[str | int]
              ) -> tuple[str, Any, str] | None:
    """(YAML name, annotation, description) of the field a loc ends in, or None.

    Walks as :func:`_allowed_fields` does, keeping the last named field seen: for
    ``resources.a.after`` that is ``after``; for ``boundaries.main`` (a value of a mapping)
    it is ``boundaries``, whose description says what each value is.
    """
    if model is None:
        return None
    candidates = _unwrap(model)
    found: tuple[str, Any, str] | None = None
    for part in loc:
        for tp in candidates:
            if _is_model(tp) and part in _public_fields(tp):
                info = next((i for n, i in tp.model_fields.items()
                             if part in (n, i.alias, i.validation_alias)), None)
                found = (str(part), _public_fields(tp)[part],
                         (info.description or "") if info is not None else "")
                break
        stepped = [alt for tp in candidates for reached in _step(tp, part)
                   for alt in _unwrap(reached)]
        if stepped:
            candidates = stepped
    return found


SHAPES = {"list_type": "a list", "tuple_type": "a list", "set_type": "a list",
          "dict_type": "a mapping", "model_type": "a mapping",
          "model_attributes_type": "a mapping"}
"""pydantic's wrong-shape error types -> the shape in YAML words."""


def _flow(value: Any) -> str:
    """A YAML value in flow style, as it could be written on one line."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return str(value)


def _shape_of(annotation: Any) -> str:
    """An example value of a type, in YAML words: [a, b], {backend: ...}, {name: [a, b]}."""
    for alt in _unwrap(annotation):
        if _is_model(alt):
            return "{" + ", ".join(f"{f}: ..." for f in list(_public_fields(alt))[:3]) + "}"
        origin, args = typing.get_origin(alt), typing.get_args(alt)
        if isinstance(origin, type) and issubclass(origin, Mapping):
            return "{name: " + (_shape_of(args[1]) if len(args) == 2 else "...") + "}"
        if isinstance(origin, type) and issubclass(origin, Sequence | AbstractSet):
            return "[a, b]"
    return "..."


def _example(shape: str, name: str, value: Any, annotation: Any) -> str:
    """How the value would look in the expected shape: what was written, wrapped in a
    list when a list was wanted; else the type's own shape."""
    if shape == "a list" and not isinstance(value, list) and len(_flow(value)) <= 50:
        return f"{name}: [{_flow(value)}]"
    return f"{name}: {_shape_of(annotation)}" if annotation is not None else f"{name}: ..."


def _wrong_shape(kind: str, value: Any, loc: Sequence[str | int],
                 model: type[BaseModel] | None) -> str:
    """'expected a list, e.g. after: [config]; got 'config' (after: resources that must
    settle first)': the shape the scenario wanted, a way to write it from what was
    written, and the field's own description."""
    shape = SHAPES[kind]
    field = _field_at(model, loc)
    name = str(loc[-1]) if loc else "value"
    annotation: Any = None
    described = ""
    if field is not None:
        field_name, annotation, description = field
        if field_name != name:  # a value inside the field (a mapping's entry, a list item)
            inner = [a for alt in _unwrap(annotation) for a in typing.get_args(alt)[-1:]]
            annotation = inner[0] if inner else None
        if description:
            described = f" ({field_name}: {description})"
    got = show(value)
    return (f"expected {shape}, e.g. {_example(shape, name, value, annotation)}"
            + (f"; got {got}" if len(got) <= 40 else "") + described)


def _split_expected(expected: str) -> list[str]:
    """``"'a', 'b' or 'c'"`` -> ``["'a'", "'b'", "'c'"]`` (quoted items may hold commas)."""
    tokens = re.findall(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[^\s,]+", expected)
    return [token for token in tokens if token != "or"]


def _not_allowed(value: Any, options: Sequence[str]) -> str:
    hint = did_you_mean(str(value), [option.strip("'\"") for option in options])
    suggestion = f"did you mean '{hint}'? " if hint is not None else ""
    return f"{show(value)} is not allowed ({suggestion}allowed: {', '.join(options)})"


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
    if kind in SHAPES:
        return _wrong_shape(kind, value, loc, model)
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    if kind == "assertion_error":
        return msg.removeprefix("Assertion failed, ")
    shown = show(value)
    return f"{msg} (got {shown})" if len(shown) <= 40 else msg


def describe_error(error: Mapping[str, Any], model: type[BaseModel] | None = None) -> str:
    """One pydantic error in the words a scenario's author reads (for errors of a model
    validated away from the file's tree, such as a strategy's changed system)."""
    return _message(error, tuple(error["loc"]), model)


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
    literals: dict[tuple[Pos, str, str], tuple[Any, list[str]]] = {}
    for error in err.errors(include_url=False):
        loc: tuple[str | int, ...] = tuple(error["loc"])
        kind = error["type"]
        name = _discriminator(error)
        if kind in ("union_tag_invalid", "union_tag_not_found") and name is not None:
            loc = (*loc, name)  # point at the tag field itself
            if kind == "union_tag_not_found":
                kind = "missing"
        walk = walk_to(tree, loc, source)
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
            _, options = literals.setdefault((pos, path, show(value)), (value, []))
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
