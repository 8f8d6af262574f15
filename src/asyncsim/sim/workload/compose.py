"""Every workload is a load model × a unit of work.

The load model (load/models.py) says when units begin and for which client; the unit
(units/) says what a client does: a plain request, a page view, a navigation, a feed
session, a live view, a conditional write. :func:`compose` pairs them into the
:class:`~asyncsim.sim.workload.context.Workload` a simulation runs, and refuses pairs that
mean nothing (a live view is resident for the whole run; the contention experiment is a
burst). A new unit is one module in units/ with ``targets``, ``LOADS`` and ``start``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

from asyncsim.sim.workload.context import Workload, WorkloadContext
from asyncsim.sim.workload.load.models import LoadModel


class Unit(Protocol):
    """A unit of work: what one client does at a time, started by a load model."""

    LOADS: ClassVar[tuple[type, ...]]
    """The load models this unit can run under."""

    @property
    def targets(self) -> tuple[str, ...]:
        """Backends this unit sends to."""

    def start(self, ctx: WorkloadContext, load: LoadModel) -> None:
        """Start the processes that run units under ``load`` until ``duration``."""


@dataclass(frozen=True)
class Composed:
    """A load model × a unit: what :func:`compose` returns."""

    load: LoadModel
    unit: Unit

    @property
    def targets(self) -> tuple[str, ...]:
        return self.unit.targets

    def start(self, ctx: WorkloadContext) -> None:
        self.unit.start(ctx, self.load)


def compose(load: LoadModel, unit: Unit) -> Workload:
    """The workload that runs ``unit`` under ``load``; ValueError if it cannot."""
    if not isinstance(load, unit.LOADS):
        accepted = ", ".join(kind.__name__ for kind in unit.LOADS)
        raise ValueError(f"{type(unit).__name__} runs under {accepted}, "
                         f"not {type(load).__name__}")
    return Composed(load, unit)
