"""In-flight deduplication (single-flight per key), with an optional window after completion.

A request for a key that has a call in flight does not call again: it waits for that call
and gets its result, marked ``COALESCED`` with no attempts of its own. With ``window_s``
the result of a *successful* call is also handed out for that long after it completed,
without waiting (SWR's ``dedupingInterval``). A failed call is forgotten as soon as it
completes (SWR deletes ``FETCH[key]`` on error), though requests that joined it while it
was in flight share its failure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import simpy
from simpy.events import Event

from asyncsim.sim.layers.base import BuildContext, Call, Scope
from asyncsim.sim.outcome import Outcome, Source, Status
from asyncsim.sim.request import Request


class Flight:
    """One call in flight for a key. The event followers wait on exists only once one joins,
    so a call nobody joins costs no SimPy event."""

    __slots__ = ("done",)

    def __init__(self) -> None:
        self.done: Event | None = None

    def join(self, env: simpy.Environment) -> Event:
        if self.done is None:
            self.done = Event(env)
        return self.done

    def land(self, outcome: Outcome) -> None:
        if self.done is not None:
            self.done.succeed(outcome)


def coalesced(outcome: Outcome) -> Outcome:
    """What a follower gets: the leader's data and status, no backend attempts of its own."""
    source = Source.COALESCED if outcome.status == Status.OK else outcome.source
    return Outcome(outcome.status, source, outcome.version, 0, outcome.retry_after_s)


@dataclass(frozen=True)
class DedupSpec:
    window_s: float = 0.0
    scope: Scope = "shared"
    kind: str = "dedup"

    def __post_init__(self) -> None:
        if not self.window_s >= 0:
            raise ValueError(f"window_s must be zero or more, got {self.window_s!r}")

    def build(self, ctx: BuildContext, next_call: Call) -> DedupLayer:
        return DedupLayer(ctx, self, next_call)


class DedupLayer:
    def __init__(self, ctx: BuildContext, spec: DedupSpec, next_call: Call) -> None:
        self.env = ctx.env
        self.next = next_call
        self.window_s = spec.window_s
        self.inflight: dict[int, Flight] = {}
        self.recent: dict[int, tuple[int, float]] = {}  # key -> (version, reusable until)
        self.counters: Counter[str] = Counter()

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        key = request.key
        if self.recent:
            recent = self.recent.get(key)
            if recent is not None:
                if self.env._now < recent[1]:
                    self.counters["window_hits"] += 1
                    return Outcome(Status.OK, Source.COALESCED, recent[0], 0)
                del self.recent[key]
        flight = self.inflight.get(key)
        if flight is not None:
            self.counters["followers"] += 1
            shared: Outcome = yield flight.join(self.env)
            return coalesced(shared)
        flight = self.inflight[key] = Flight()
        outcome = yield from self.next(request)
        del self.inflight[key]
        flight.land(outcome)
        if self.window_s > 0 and outcome.status == Status.OK:
            self.recent[key] = (outcome.version, self.env._now + self.window_s)
        return outcome
