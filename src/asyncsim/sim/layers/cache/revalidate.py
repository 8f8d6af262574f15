"""Stale-while-revalidate's background half: one refresh per key at a time, off the
request path.

A stale hit returns at once; the refresh runs as its own SimPy process through the layers
below the cache, so nobody waits for it (except misses that ``coalesce`` onto it). While
it is in flight its key stays in ``inflight``, which is what keeps further stale hits from
starting another one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Generator
from typing import Any

import simpy
from simpy.events import Event, Process

from asyncsim.sim.layers.base import Call
from asyncsim.sim.layers.dedup import Flight
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.request import Request


class Revalidator:
    """``landed(key, outcome, started_at)`` receives every successful refresh,
    ``failed(key)`` every failed one; counters: ``revalidations``, ``revalidation_failures``."""

    def __init__(self, env: simpy.Environment, next_call: Call, inflight: dict[int, Flight],
                 counters: Counter[str], landed: Callable[[int, Outcome, float], None],
                 failed: Callable[[int], None]) -> None:
        self.env = env
        self.next = next_call
        self.inflight = inflight
        self.counters = counters
        self._landed = landed
        self._failed = failed

    def start(self, request: Request) -> None:
        """Refresh ``request.key`` in the background, unless a fetch for it is in flight."""
        key = request.key
        if key in self.inflight:
            return
        flight = self.inflight[key] = Flight()
        self.counters["revalidations"] += 1
        background = Request(request.id, key, request.client, self.env._now, request.target)
        Process(self.env, self._run(background, flight))

    def _run(self, request: Request, flight: Flight) -> Generator[Event, Any, None]:
        key = request.key
        outcome = yield from self.next(request)
        if self.inflight.get(key) is flight:
            del self.inflight[key]
        flight.land(outcome)
        if outcome.status == Status.OK:
            self._landed(key, outcome, request.t_start)
        else:
            self.counters["revalidation_failures"] += 1
            self._failed(key)
