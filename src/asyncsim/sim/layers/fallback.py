"""Fallback: when the call below fails, serve a static value or the last good one.

``serve="static"`` always has an answer, with no data version (-1: it is not real data, so
it has no staleness). ``serve="last_good"`` answers with the version this layer instance
last delivered for the key (so the recorder measures how stale it is) and lets the
failure through when it has none. A served fallback is ``Status.FALLBACK`` with
``Source.FALLBACK``: not a success, not an error (``fallback_rate``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, Literal

from simpy.events import Event

from asyncsim.sim.layers.base import BuildContext, Call, Scope
from asyncsim.sim.outcome import Outcome, Source, Status
from asyncsim.sim.request import Request

Serve = Literal["static", "last_good"]
DEFAULT_ON = frozenset({Status.ERROR, Status.TIMEOUT, Status.REJECTED, Status.SHORT_CIRCUITED})


@dataclass(frozen=True)
class FallbackSpec:
    serve: Serve = "static"
    on: frozenset[Status] = field(default=DEFAULT_ON)
    scope: Scope = "client"
    kind: str = "fallback"

    def build(self, ctx: BuildContext, next_call: Call) -> FallbackLayer:
        return FallbackLayer(self, next_call)


class FallbackLayer:
    def __init__(self, spec: FallbackSpec, next_call: Call) -> None:
        self.next = next_call
        self.on = spec.on
        self.remember = spec.serve == "last_good"
        self.last_good: dict[int, int] = {}
        self.counters: Counter[str] = Counter()

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        outcome: Outcome = yield from self.next(request)
        status = outcome.status
        if status == Status.OK:
            if self.remember and outcome.version >= 0:
                self.last_good[request.key] = outcome.version
            return outcome
        if status not in self.on:
            return outcome
        version = -1
        if self.remember:
            known = self.last_good.get(request.key)
            if known is None:
                self.counters["nothing_to_serve"] += 1
                return outcome
            version = known
        self.counters["served"] += 1
        return Outcome(Status.FALLBACK, Source.FALLBACK, version, outcome.attempts)
