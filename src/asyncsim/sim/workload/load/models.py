"""When units of work begin: the open and closed load models for client-behaviour workloads.

A *unit* is what one user does at a time: a page view, a hover over a link (and maybe a
click), a reading session through a feed. The open model starts units on their own
schedule (Poisson or evenly spaced, as for plain requests) and hands each to a client
drawn uniformly; the closed model runs ``users`` loops of think, unit, wait for the unit.
The streams are the ones the plain workloads use (``workload:arrivals``,
``workload:clients``, ``workload:think``), so switching a scenario from requests to pages
keeps the same arrival times.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from simpy.events import Event, Timeout

from asyncsim.sim.distributions import Distribution
from asyncsim.sim.engine import BlockSampler
from asyncsim.sim.workload.context import WorkloadContext
from asyncsim.sim.workload.load.arrivals import ArrivalSpec, arrival_gaps


@dataclass(frozen=True)
class OpenLoad:
    """Units arrive on their own schedule and are spread uniformly over ``users`` clients."""

    arrivals: ArrivalSpec
    users: int = 1


@dataclass(frozen=True)
class ClosedLoad:
    """``users`` users loop: think, start a unit, wait until it is over."""

    users: int
    think: Distribution


LoadModel = OpenLoad | ClosedLoad

Unit = Callable[[int], Event | None]
"""Starts one unit for a client; returns an event to wait on, or None if already over."""


def start_load(ctx: WorkloadContext, load: LoadModel, unit: Unit) -> None:
    """Start the processes that begin units until ``duration``."""
    if isinstance(load, OpenLoad):
        ctx.env.process(_open(ctx, load, unit))
        return
    think = BlockSampler(load.think.draw, ctx.streams.generator("workload:think"))
    for user in range(load.users):
        ctx.env.process(_closed(ctx, user, think, unit))


def _open(ctx: WorkloadContext, load: OpenLoad, unit: Unit) -> Generator[Event, Any, None]:
    env = ctx.env
    users = load.users
    next_client = (BlockSampler(lambda g, n: g.integers(0, users, n).astype(float),
                                ctx.streams.generator("workload:clients"))
                   if users > 1 else None)
    end = ctx.duration_s
    for gap in arrival_gaps(load.arrivals, ctx.streams.generator("workload:arrivals")):
        if env._now + gap >= end:
            return
        yield Timeout(env, gap)
        unit(int(next_client()) if next_client is not None else 0)


def _closed(ctx: WorkloadContext, user: int, think: BlockSampler,
            unit: Unit) -> Generator[Event, Any, None]:
    env = ctx.env
    end = ctx.duration_s
    while True:
        pause = think()
        if env._now + pause >= end:
            return
        yield Timeout(env, pause)
        done = unit(user)
        if done is not None:
            yield done
