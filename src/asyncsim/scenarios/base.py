"""The base of every scenario model: unknown fields are errors, values are immutable."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


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
