"""How an input value is named in messages (``a mapping``, ``'abc'``, ``true``)."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from ruamel.yaml.scalarbool import ScalarBoolean


def kind_of(value: Any) -> str:
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


def show(value: Any) -> str:
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
        return kind_of(value)
    return str(value)
