"""Load models: when units of work begin, and for which client.

A *unit* is what one user does at a time: a request, a page view, a hover over a link
(and maybe a click), a reading session through a feed, a live tab. The open model starts
units on their own schedule (Poisson or evenly spaced, with stages) and hands each to a
client drawn uniformly; the closed model runs ``users`` loops of think, unit, wait for the
unit; a burst starts one unit per client at time 0 (the contention experiment); resident
users are there for the whole run (live views: the unit itself runs until the end).
The streams are shared by every unit (``workload:arrivals``, ``workload:clients``,
``workload:think``), so switching a scenario from requests to pages keeps the same
arrival times.
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


@dataclass(frozen=True)
class Burst:
    """``users`` clients each start one unit at time 0 (and never another)."""

    users: int


@dataclass(frozen=True)
class Resident:
    """``users`` users are there for the whole run; the unit keeps each of them busy."""

    users: int


LoadModel = OpenLoad | ClosedLoad | Burst | Resident

Start = Callable[[int], Event | None]
"""Starts one unit for a client; returns an event to wait on, or None if already over."""

Inline = Callable[[int], Generator[Event, Any, object]]
"""Runs one unit for a client inside the caller's process (no process of its own)."""


def start_load(ctx: WorkloadContext, load: OpenLoad | ClosedLoad | Burst, start: Start,
               inline: Inline | None = None) -> None:
    """Start the processes that begin units until ``duration``.

    ``inline``: how the closed loop runs a unit without starting a process for it (a plain
    request: one event less per request); without it the loop starts the unit and waits
    for the event ``start`` returns.
    """
    if isinstance(load, OpenLoad):
        ctx.env.process(_open(ctx, load, start))
        return
    if isinstance(load, Burst):
        for client in range(load.users):
            start(client)
        return
    think = BlockSampler(load.think.draw, ctx.streams.generator("workload:think"))
    for user in range(load.users):
        ctx.env.process(_closed(ctx, user, think, start, inline))


def _open(ctx: WorkloadContext, load: OpenLoad, start: Start) -> Generator[Event, Any, None]:
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
        start(int(next_client()) if next_client is not None else 0)


def _closed(ctx: WorkloadContext, user: int, think: BlockSampler, start: Start,
            inline: Inline | None) -> Generator[Event, Any, None]:
    """The one closed loop: think, run a unit, wait for it to be over."""
    env = ctx.env
    end = ctx.duration_s
    while True:
        pause = think()
        if env._now + pause >= end:
            return
        yield Timeout(env, pause)
        if inline is not None:
            yield from inline(user)
            continue
        done = start(user)
        if done is not None:
            yield done
