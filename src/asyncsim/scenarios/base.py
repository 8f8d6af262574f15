"""The bases of every scenario model, and the two mechanisms items share.

* **Presets**: :class:`WithPreset` is the one way a config starts from a library's
  documented defaults: defaults, then the preset's entry, then what the scenario wrote.
* **Cross-field checks**: a config with contradictions between its fields implements
  :class:`Checked` (``problems()``, each at a loc relative to the config), and
  scenarios/checks/ locates them in the file. Checks that need the rest of the scenario
  live in scenarios/checks/. Why not pydantic model validators: their errors carry no
  field, and a user needs the ``file:line:col`` of the field to change.
* **Shorthands**: :func:`shorthand` lets ``- timeout: 2s`` mean ``- timeout: {after: 2s}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict, model_validator

Loc = tuple[str | int, ...]
"""A path into the scenario, as pydantic writes it: ``("strategies", "swr", 0, "cache")``."""
Problems = list[tuple[Loc, str]]
KEY = "<key>"
"""Appended to a loc to point at a mapping key rather than at its value."""


class Model(BaseModel):
    """allow_inf_nan=False: no number in a scenario may be inf or NaN (YAML's ``.inf``,
    ``.nan``, the strings ``"inf"``) unless its type says so (``DurationOrNever``); one
    such value turns every metric downstream into NaN."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              allow_inf_nan=False)


class Checked(Protocol):
    """A config that knows its own contradictions, each at the field to fix."""

    def problems(self) -> Problems: ...


def shorthand(field: str, *types: type) -> Any:
    """A before-validator: a bare value of one of ``types`` means ``{field: value}``."""

    def expand(cls: type[BaseModel], value: Any) -> Any:
        return {field: value} if isinstance(value, types) else value

    return model_validator(mode="before")(classmethod(expand))  # type: ignore[arg-type]


class WithPreset(Model):
    """A config whose unset fields come from its preset's entry in ``PRESETS``, then from
    ``DEFAULTS``; fields the scenario wrote win.

    Subclasses declare their own ``preset`` field (its Literal names the presets), and
    override :meth:`defaults` when a default depends on another field.
    """

    PRESETS: ClassVar[Mapping[str, Mapping[str, Any]]] = {}
    DEFAULTS: ClassVar[Mapping[str, Any]] = {}
    NOT_SETTINGS: ClassVar[frozenset[str]] = frozenset({"preset"})
    """Fields that are not merged with the preset's values."""
    NULL_CLEARS: ClassVar[bool] = False
    """Whether a field written as null clears the preset's value (else it is ignored)."""
    PRESETS_AS_INPUT: ClassVar[bool] = False
    """Whether the preset entries are written as a scenario would write them and merged
    into the input before validation (so they are validated like written fields and the
    fields themselves hold the result), rather than merged as values by :meth:`settings`."""

    @model_validator(mode="before")
    @classmethod
    def _preset_as_input(cls, value: Any) -> Any:
        if not cls.PRESETS_AS_INPUT or not isinstance(value, dict) \
                or value.get("preset") not in cls.PRESETS:
            return value
        return cls.preset_input(value["preset"], value)

    @classmethod
    def preset_input(cls, name: str, written: dict[str, Any]) -> dict[str, Any]:
        """The input with preset ``name`` filled in (``PRESETS_AS_INPUT`` only)."""
        return {**cls.PRESETS[name], **written}

    def given(self) -> set[str]:
        """The fields written in the scenario (not from a preset or a default)."""
        return {name for name in self.model_fields_set if name not in self.NOT_SETTINGS
                and (self.NULL_CLEARS or getattr(self, name) is not None)}

    def defaults(self) -> dict[str, Any]:
        return dict(self.DEFAULTS)

    def settings(self) -> dict[str, Any]:
        """Every setting's value: written, else the preset's, else the default."""
        values = self.defaults()
        preset = getattr(self, "preset", None)
        if preset is not None:
            values.update(self.PRESETS[preset])
        values.update({name: getattr(self, name) for name in self.given()})
        return values


class OneOf(Model):
    """A mapping that must set exactly one of its fields, e.g. ``{lognormal: {...}}``."""

    @model_validator(mode="after")
    def _exactly_one(self) -> OneOf:
        chosen = self.chosen_names()
        if len(chosen) != 1:
            allowed = ", ".join(self.field_names())
            got = ", ".join(chosen) if chosen else "none"
            raise ValueError(f"set exactly one of: {allowed} (got {got})")
        return self

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.alias or name for name, f in cls.model_fields.items()]

    def chosen_names(self) -> list[str]:
        return [name for name in type(self).model_fields if getattr(self, name) is not None]

    def chosen(self) -> tuple[str, Any]:
        name = self.chosen_names()[0]
        return name, getattr(self, name)
