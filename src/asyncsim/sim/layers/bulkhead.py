"""Bulkhead: at most ``max_concurrent`` calls below this layer; others wait or are rejected.

A call that finds every slot taken joins a FIFO queue if waiting is allowed
(``max_wait_s > 0`` and fewer than ``max_queue`` calls already wait) and is rejected
otherwise; a waiting call that gets no slot within ``max_wait_s`` is rejected too.
Rejections return ``Status.REJECTED`` and count in ``counters["rejected"]``.

With ``max_wait_s = inf`` and ``max_queue = K - c`` in front of a backend with enough
workers, the layer is the M/M/c/K system of docs/validation.md §4 (Erlang B when K = c).
resilience4j's semaphore bulkhead is (25, wait 0); Polly v8's ConcurrencyLimiter is
(1000, queue 0) (docs/library-defaults.md §1.5, §1.6).
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from simpy.events import Event

from asyncsim.sim.engine import race
from asyncsim.sim.layers.base import BuildContext, Call, Scope
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.request import Request


@dataclass(frozen=True)
class BulkheadSpec:
    """``max_queue=None``: no limit on waiting calls (only ``max_wait_s`` bounds them)."""

    max_concurrent: int
    max_queue: int | None = None
    max_wait_s: float = 0.0
    scope: Scope = "shared"
    kind: str = "bulkhead"

    def __post_init__(self) -> None:
        if self.max_concurrent < 1:
            raise ValueError(f"max_concurrent must be at least 1, got {self.max_concurrent}")
        if (self.max_queue is not None and self.max_queue < 0) or self.max_wait_s < 0:
            raise ValueError("max_queue and max_wait_s cannot be negative")

    def build(self, ctx: BuildContext, next_call: Call) -> BulkheadLayer:
        return BulkheadLayer(ctx, self, next_call)


class BulkheadLayer:
    def __init__(self, ctx: BuildContext, spec: BulkheadSpec, next_call: Call) -> None:
        self.env = ctx.env
        self.next = next_call
        self.limit = spec.max_concurrent
        self.max_queue = spec.max_queue if spec.max_queue is not None else math.inf
        self.max_wait_s = spec.max_wait_s
        self.active = 0
        self.waiters: deque[Event] = deque()
        self.counters: Counter[str] = Counter()

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        if self.active < self.limit:
            self.active += 1
        elif self.max_wait_s > 0 and len(self.waiters) < self.max_queue:
            env = self.env
            ticket = Event(env)
            self.waiters.append(ticket)
            self.counters["queued"] += 1
            if self.max_wait_s == math.inf:
                yield ticket
            else:
                yield race(env, ticket, self.max_wait_s)
                if not ticket.triggered:  # no slot in time; a slot handed over wins a tie
                    self.waiters.remove(ticket)
                    self.counters["rejected"] += 1
                    return Outcome(Status.REJECTED)
        else:
            self.counters["rejected"] += 1
            return Outcome(Status.REJECTED)
        try:
            outcome: Outcome = yield from self.next(request)
        finally:
            self._release()
        return outcome

    def _release(self) -> None:
        """Hand the slot to the first waiter, or free it."""
        if self.waiters:
            self.waiters.popleft().succeed()
        else:
            self.active -= 1
