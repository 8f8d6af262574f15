"""Named random streams and the block sampler.

Why named streams: every component draws from its own stream, derived from the scenario
seed, the replication index and the component's *name* (never from the strategy or the
order in which things were built). So the same scenario and seed give the same draws in
any process, under any executor and in any strategy order, and two strategies of one
replication see the same workload and backend draws (common random numbers).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from heapq import heappop, heappush
from itertools import chain
from typing import Any, Self, cast

import numpy as np
import simpy
from simpy.core import EmptySchedule, StopSimulation
from simpy.events import PENDING, URGENT, Event, EventPriority

BLOCK_SIZE = 4096
"""Draws are made in numpy blocks of this size and handed out one at a time."""


def name_key(name: str) -> int:
    """A stable 32-bit key for a component name (Python's ``hash`` is salted per process)."""
    return zlib.crc32(name.encode("utf-8"))


class RandomStreams:
    """Factory of independent ``numpy.random.Generator`` objects keyed by name."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = seed
        self.replication = replication

    def generator(self, name: str) -> np.random.Generator:
        seq = np.random.SeedSequence(self.seed, spawn_key=(self.replication, name_key(name)))
        return np.random.Generator(np.random.PCG64(seq))


class BlockSampler(partial[float]):
    """Hands out floats one by one from blocks drawn by ``draw(rng, n)``.

    Why: a numpy call per request costs microseconds; handing out one item of a list costs
    tens of nanoseconds. The sequence of values is exactly the sequence of the blocks, so
    the i-th value handed out is the i-th value numpy drew: reference models can be fed
    the same draws by calling ``draw`` on a generator with the same stream name.

    A ``partial(next, <the blocks, chained>)``: calling it runs no Python code between two
    blocks, half the cost of a method that pops a buffer (0.13 vs 0.27 µs a draw; a
    request draws two to four times). Each block is drawn when the one before runs out.
    """

    __slots__ = ()

    def __new__(cls, draw: Callable[[np.random.Generator, int], np.ndarray],
                rng: np.random.Generator) -> Self:
        return super().__new__(cls, next, chain.from_iterable(blocks(draw, rng)))


def blocks(draw: Callable[[np.random.Generator, int], np.ndarray],
           rng: np.random.Generator) -> Iterator[list[Any]]:
    """``draw(rng, BLOCK_SIZE)`` as lists, one after the other, each drawn when asked for."""
    while True:
        yield draw(rng, BLOCK_SIZE).tolist()


NORMAL_PRIORITY = 1
"""SimPy's priority of timeouts and triggered events (``simpy.events.NORMAL``)."""


class Tick:
    """The lightest thing SimPy's event loop can process: a slot for its callbacks and an
    item for them to read, always successful.

    Why: a ``simpy.Timeout`` sets five attributes and goes through ``schedule``; the hot
    paths (arrivals, a backend call driven without a generator) only need the heap entry
    and one callback. ``callbacks`` is a tuple of plain functions taking the tick, shared
    by every tick of a kind, so a tick allocates nothing else. A tick enters the heap by
    :func:`schedule` exactly as SimPy schedules an event (time, priority, next event id),
    so replacing a Timeout by a tick keeps the order of every event.
    """

    __slots__ = ("callbacks", "item")
    _ok = True
    _value = None

    def __init__(self, callbacks: tuple[Callable[[Any], None], ...], item: Any = None) -> None:
        self.callbacks = callbacks
        self.item = item


def at_time(env: simpy.Environment, t: float) -> Event:
    """Something to wait for at the absolute time ``t`` (not before now): a tick with its
    own list of callbacks, which is all a generator's driver (the request driver, a SimPy
    Process) reads of the event it waits for, so it is typed as the Event it stands in
    for. Cheaper than a Timeout, and without the rounding of ``now + (t - now)``, which
    need not give back ``t``."""
    tick = Tick([])  # type: ignore[arg-type]
    heappush(env._queue, (t, NORMAL_PRIORITY, next(env._eid), tick))  # type: ignore[misc]
    return cast(Event, tick)


def schedule(env: simpy.Environment, tick: Tick, delay: float,
             priority: int = NORMAL_PRIORITY) -> None:
    """Put ``tick`` on the event heap ``delay`` from now, as ``Environment.schedule`` does."""
    heappush(env._queue, (env._now + delay, priority, next(env._eid), tick))  # type: ignore[misc]


def first_of(env: simpy.Environment, events: Iterable[Event]) -> Event:
    """What ``AnyOf(env, events)`` is to a layer that only asks afterwards which of
    ``events`` came (``event.triggered``): an event that fires when the first of them is
    processed, and fails as that one fails.

    Why: a Condition counts, builds a dict of its events' values and takes its checks
    back off the others: without it, quickstart's timeout strategy takes about an eighth
    less CPU. This is scheduled when a Condition would be, with the next id, so every
    event keeps its id and its order and nothing downstream moves."""
    first = Event(env)

    def settle(happened: Any) -> None:
        if first._value is PENDING:
            if happened._ok:
                first.succeed()
            else:
                happened._defused = True
                first.fail(happened._value)

    nothing = True
    for event in events:
        nothing = False
        if event.callbacks is None:  # processed already
            settle(event)
        else:
            event.callbacks.append(settle)
    if nothing:  # as AnyOf of nothing: met at once
        first.succeed()
    return first


def race(env: simpy.Environment, event: Event, delay_s: float) -> Event:
    """:func:`first_of` ``event`` and a timer ``delay_s`` from now: what
    ``AnyOf(env, (event, Timeout(env, delay_s)))`` is to a timeout. The timer is a tick
    (:func:`at_time`) with the heap entry the Timeout had (same time, priority and id)."""
    return first_of(env, (event, at_time(env, env._now + delay_s)))


class Environment(simpy.Environment):
    """SimPy's environment with ``step`` inlined into ``run``'s loop (a method call and a
    ``try`` less per event); events are processed in the same order with the same effects.

    It also keeps the heap entry of the event being processed (``current``: its time,
    priority and id). A model that skips events it can do without (a cache's miss stored
    when someone next looks, sim/direct.py's ``TimelineCall.start_late``) compares the
    entry the skipped event would have had with it: what comes before ``current`` in
    SimPy's order is what must be done when someone looks now."""

    def __init__(self, initial_time: float = 0) -> None:
        super().__init__(initial_time)
        self.current: tuple[float, int, int, Any] = (float(initial_time), URGENT, -1, None)

    def run(self, until: float | Event | None = None) -> Any:
        if until is not None:
            if not isinstance(until, Event):
                at = until if isinstance(until, int) else float(until)
                if at <= self._now:
                    raise ValueError(f"until ({at}) must be greater than the current "
                                     "simulation time")
                until = Event(self)
                until._ok = True
                until._value = None
                self.schedule(until, URGENT, at - self._now)
            elif until.callbacks is None:
                return until.value
            until.callbacks.append(StopSimulation.callback)
        queue = self._queue
        try:
            while True:
                if not queue:
                    raise EmptySchedule
                current = self.current = heappop(queue)
                self._now = current[0]
                event = current[3]
                callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
                try:
                    for callback in callbacks:
                        callback(event)
                except StopSimulation:  # as ``step``: the other callbacks run on resuming
                    event.callbacks = callbacks[callbacks.index(callback) + 1:]
                    self.schedule(event, EventPriority(-1))
                    raise
                if not event._ok and not hasattr(event, "_defused"):
                    exc = type(event._value)(*event._value.args)
                    exc.__cause__ = event._value
                    raise exc
        except StopSimulation as stop:
            return stop.args[0]
        except EmptySchedule:
            if until is not None:
                assert not until.triggered
                raise RuntimeError(f'No scheduled events left but "until" event was not '
                                   f"triggered: {until}") from None
        return None
