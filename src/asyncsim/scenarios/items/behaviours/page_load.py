"""The ``page_load`` item: how a strategy loads pages (``- page_load: parallel``)."""

from __future__ import annotations

from pydantic import Field

from asyncsim.scenarios.base import Model, shorthand
from asyncsim.scenarios.workload.pages import MODE_HELP, ModeName, ResourceList, boundaries_spec
from asyncsim.sim.workload.units.page_view import PageLoadSpec


class PageLoadConfig(Model):
    """A strategy's way of loading pages: mode and boundaries over the workload's."""

    mode: ModeName | None = Field(default=None, description=MODE_HELP)
    boundaries: dict[str, ResourceList] | None = Field(
        default=None, description="Suspense boundaries, replacing the workload's")

    _shorthand = shorthand("mode", str)

    def to_behaviour(self) -> PageLoadSpec:
        return PageLoadSpec(self.mode, boundaries_spec(self.boundaries)
                            if self.boundaries is not None else None)
