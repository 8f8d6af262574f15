"""Load models: when units of work begin, and for which client.

A *unit* is what one user does at a time: a request, a page view, a hover over a link
(and maybe a click), a reading session through a feed, a live tab. The open model starts
units on their own schedule (Poisson or evenly spaced, with stages) and hands each to a
client drawn uniformly; the closed model runs ``users`` loops of think, unit, wait for the
unit; a burst starts one unit per client at time 0 (the contention experiment); resident
users are there for the whole run (live views: the unit itself runs until the end); a
trace starts units at recorded times with recorded keys and clients.
The streams are shared by every unit (``workload:arrivals``, ``workload:clients``,
``workload:think``), so switching a scenario from requests to pages keeps the same
arrival times.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from heapq import heappush
from typing import Any

import numpy as np
from simpy.events import URGENT, Event, Timeout

from asyncsim.sim.distributions import Distribution
from asyncsim.sim.engine import NORMAL_PRIORITY, BlockSampler, Tick, schedule
from asyncsim.sim.workload.context import WorkloadContext
from asyncsim.sim.workload.keys import RecordedKey
from asyncsim.sim.workload.load.arrivals import ArrivalSpec, gap_sampler


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


@dataclass(frozen=True, eq=False)
class TraceLoad:
    """Units start at recorded times, each with its recorded key and client.

    ``times_s`` are non-decreasing seconds from the run's start; ``keys`` the key of each
    record (units that take a key use it instead of drawing one, see
    :func:`~asyncsim.sim.workload.keys.key_draw`); ``clients`` the client of each record,
    or None to spread records uniformly over ``users`` as the open model does. Records
    at or after ``duration`` are not started. Nothing is drawn for times or keys, so a
    trace replays the same requests under every strategy and replication.

    A looped trace is replayed ``copies`` times, each ``period_s`` after the one before
    (copy k's times are ``times_s + k * period_s``, the very sums ``Trace.looped``
    makes): the records are held once, not once per repetition, so a month of a
    two-minute trace costs the memory of two minutes.
    """

    times_s: np.ndarray
    keys: np.ndarray
    clients: np.ndarray | None = None
    users: int = 1
    copies: int = 1
    period_s: float = 0.0

    def __post_init__(self) -> None:
        if len(self.times_s) != len(self.keys) or (
                self.clients is not None and len(self.clients) != len(self.times_s)):
            raise ValueError("a trace needs one key (and client) per timestamp")
        if len(self.times_s) and (self.times_s[0] < 0 or np.any(np.diff(self.times_s) < 0)):
            raise ValueError("trace times must be non-negative and non-decreasing")


LoadModel = OpenLoad | ClosedLoad | Burst | Resident | TraceLoad

Start = Callable[[int], Event | None]
"""Starts one unit for a client; returns an event to wait on, or None if already over."""

Inline = Callable[[int], Generator[Event, Any, object]]
"""Runs one unit for a client inside the caller's process (no process of its own)."""


def start_load(ctx: WorkloadContext, load: OpenLoad | ClosedLoad | Burst | TraceLoad, start: Start,
               inline: Inline | None = None) -> None:
    """Start the processes that begin units until ``duration``.

    ``inline``: how the closed loop runs a unit without starting a process for it (a plain
    request: one event less per request); without it the loop starts the unit and waits
    for the event ``start`` returns.
    """
    if isinstance(load, OpenLoad):
        _OpenArrivals(ctx, load, start)
        return
    if isinstance(load, TraceLoad):
        ctx.env.process(_replay(ctx, load, start))
        return
    if isinstance(load, Burst):
        for client in range(load.users):
            start(client)
        return
    think = BlockSampler(load.think.draw, ctx.streams.generator("workload:think"))
    for user in range(load.users):
        ctx.env.process(_closed(ctx, user, think, start, inline))


class _OpenArrivals:
    """The open loop, driven by one recurring :class:`Tick` instead of a SimPy process.

    Why: a process per workload costs, per arrival, a Timeout and a generator resume on
    top of the heap entry. The ticks take the event ids the process's events took (its
    start, one per arrival, its end), in the same order, so every event keeps its place.
    Each arrival starts its unit, then draws the next gap, as the loop did.
    """

    def __init__(self, ctx: WorkloadContext, load: OpenLoad, start: Start) -> None:
        self.env = ctx.env
        self.start = start
        users = load.users
        self.next_client = (BlockSampler(lambda g, n: g.integers(0, users, n).astype(float),
                                         ctx.streams.generator("workload:clients"))
                            if users > 1 else None)
        self.end = ctx.duration_s
        self.next_gap = gap_sampler(load.arrivals, ctx.streams.generator("workload:arrivals"))
        self._arriving = (self._arrive,)
        schedule(self.env, Tick((self._begin,)), 0.0, URGENT)  # where the process's start would be

    def _begin(self, tick: Tick) -> None:
        self._go_on(tick, due=False)

    def _arrive(self, tick: Tick) -> None:
        self._go_on(tick, due=True)

    def _go_on(self, tick: Tick, due: bool) -> None:
        """Start the arrival that is due (``due``), then draw the next gap; while the next
        arrival comes before anything else is due, start it too, here: the engine would pop
        that very tick next, so the heap round trip is skipped (its event id is still taken,
        so every later event keeps its id). A tie goes to the event already waiting, as in
        the heap. The first arrival that is not next is scheduled on ``tick``."""
        env = self.env
        queue = env._queue
        start, next_client, next_gap, end = self.start, self.next_client, self.next_gap, self.end
        while True:
            if due:
                start(int(next_client()) if next_client is not None else 0)
            at = env._now + next_gap()
            if at >= end:  # (inf once the gaps end)
                schedule(env, Tick(()), 0.0)  # where the process's end would be
                return
            eid = next(env._eid)
            if queue and queue[0][0] <= at:
                tick.callbacks = self._arriving
                heappush(queue, (at, NORMAL_PRIORITY, eid, tick))  # type: ignore[misc]
                return
            env._now = at
            env.current = (at, NORMAL_PRIORITY, eid, tick)  # type: ignore[attr-defined]  # its stand-in
            due = True


def _replay(ctx: WorkloadContext, load: TraceLoad,
            start: Start) -> Generator[Event, Any, None]:
    """Start each record at its time, with its key set for the unit to read (the unit
    reads it synchronously in ``start``, before the next record is due)."""
    env = ctx.env
    if ctx.recorded_key is None:  # a unit without keys (a feed session): nobody reads it
        ctx.recorded_key = RecordedKey()
    recorded = ctx.recorded_key
    draw_client = (BlockSampler(lambda g, n: g.integers(0, load.users, n).astype(float),
                                ctx.streams.generator("workload:clients"))
                   if load.clients is None and load.users > 1 else None)
    end = ctx.duration_s
    times, keys = load.times_s.tolist(), load.keys.tolist()
    clients = load.clients.tolist() if load.clients is not None else None
    for copy in range(load.copies):
        offset_s = copy * load.period_s
        for i, (recorded_s, key) in enumerate(zip(times, keys, strict=True)):
            t = recorded_s + offset_s
            if t >= end:
                return
            if t > env._now:
                yield Timeout(env, t - env._now)
            recorded.current = key
            if clients is not None:
                start(clients[i])
            else:
                start(int(draw_client()) if draw_client is not None else 0)


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
