"""Tied requests (Dean & Barroso, "The Tail at Scale", 2013): send a copy to a second server
after a short delay, each copy tagged with the other; the first to start service cancels
the other, so the extra work is only the queueing of a copy, never a second service.

Modelled without network delay: the cancellation arrives at once. So when the primary has
already started service at the delay, no copy is sent at all (its cancellation would meet
it on arrival); otherwise the copy is queued, and whichever copy a worker takes first
removes the other from its queue (``Backend.cancel``): that one ends REJECTED and the
layer waits for the one in service. Both copies serve only when two servers take them at
the same instant. A copy that fails without being served (a full queue, an outage) does not
end the request while the other may still answer.

The layer must be the innermost one of its chain (directly over the backend or a
balancer), since layers that remake the request (a timeout's deadline) would drop the tag;
with replicas the balancer sends the copy to another replica than the primary. Counters:
``calls``, ``copies`` (copies queued), ``cancelled`` (copies taken out of a queue).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, cast

from simpy.events import Event, Process

from asyncsim.sim.engine import first_of, race
from asyncsim.sim.layers.base import BuildContext, Call, Scope
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.request import Request


@dataclass(frozen=True)
class TiedSpec:
    delay_s: float = 0.001
    """Dean & Barroso's tied requests wait 1 ms before the second copy."""
    scope: Scope = "shared"
    kind: str = "tied"

    def build(self, ctx: BuildContext, next_call: Call) -> TiedLayer:
        return TiedLayer(ctx, self, next_call)


class TiedRequest(Request):
    """One copy of a tied request: the tie, where it waits, whether it was cancelled, and
    the replica a balancer sent it to (so the other copy goes elsewhere)."""

    __slots__ = ("cancelled", "replica", "tie", "waiting_at")

    def __init__(self, request: Request, tie: _Tie) -> None:
        super().__init__(request.id, request.key, request.client, request.t_start,
                         request.target, request.deadline, request.work_s)
        self.tie = tie  # type: ignore[misc]  # a slot here, a ClassVar on Request
        self.waiting_at: tuple[Any, Event] | None = None
        self.cancelled = False
        self.replica = -1


class _Tie:
    __slots__ = ("copies", "counters", "started_by")

    def __init__(self, counters: Counter[str]) -> None:
        self.copies: list[TiedRequest] = []
        self.started_by: Request | None = None
        self.counters = counters

    def queued(self, request: Request, backend: Any, ticket: Any) -> None:
        cast(TiedRequest, request).waiting_at = (backend, ticket)

    def started(self, request: Request) -> None:
        if self.started_by is not None:
            return
        self.started_by = request
        for other in self.copies:
            if other is not request and other.waiting_at is not None:
                backend, ticket = other.waiting_at
                if backend.cancel(ticket):
                    other.cancelled = True
                    self.counters["cancelled"] += 1

    def replicas(self) -> set[int]:
        """Replicas the copies were sent to (read by a balancer)."""
        return {copy.replica for copy in self.copies if copy.replica >= 0}


class TiedLayer:
    def __init__(self, ctx: BuildContext, spec: TiedSpec, next_call: Call) -> None:
        self.env = ctx.env
        self.next = next_call
        self.delay_s = spec.delay_s
        self.counters: Counter[str] = Counter()

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        env = self.env
        self.counters["calls"] += 1
        tie = _Tie(self.counters)
        primary = TiedRequest(request, tie)
        tie.copies.append(primary)
        first = Process(env, self.next(primary))
        yield race(env, first, self.delay_s)
        if first.triggered or tie.started_by is not None:
            outcome = cast(Outcome, first.value if first.triggered else (yield first))
            return outcome
        copy = TiedRequest(request, tie)
        tie.copies.append(copy)
        self.counters["copies"] += 1
        second = Process(env, self.next(copy))
        pending = {first: primary, second: copy}
        attempts = 0
        last: Outcome | None = None
        while pending:
            yield first_of(env, list(pending))
            for process in [p for p in pending if p.triggered]:
                sent = pending.pop(process)
                outcome = cast(Outcome, process.value)
                attempts += outcome.attempts
                if sent.cancelled:
                    continue
                if outcome.ok:
                    return Outcome(Status.OK, outcome.source, outcome.version,
                                   attempts + len(pending))
                last = outcome
        assert last is not None  # a cancelled copy implies one that started
        return Outcome(last.status, last.source, last.version, attempts, last.retry_after_s)
