"""A user request (or one attempt of it) travelling down a layer stack."""

from __future__ import annotations

import math
from typing import Any, ClassVar, Protocol


class Tie(Protocol):
    """Ties copies of one request at different servers (a tied request): a backend says
    where a copy waits and when one starts service, so the tie can cancel the others."""

    def queued(self, request: Request, backend: Any, ticket: Any) -> None: ...

    def started(self, request: Request) -> None: ...

    def replicas(self) -> set[int]: ...


class Request:
    """Slots only: one of these is made per user request, so it must be cheap.

    ``deadline`` is the absolute simulated time after which nobody waits for the answer
    (``inf`` when no timeout applies); a backend that drops expired work reads it.
    ``work_s`` is service time the backend needs on top of its own draw, for requests
    whose cost depends on what they ask (an offset query scanning the rows it skips).
    ``request_class`` indexes the workload's request classes; ``priority`` is that class's
    priority (0 first), which a priority queue and shedding by class read.
    """

    __slots__ = ("client", "deadline", "id", "key", "priority", "request_class", "t_start",
                 "target", "work_s")

    tie: ClassVar[Tie | None] = None
    """Set on the copies of a tied request only (sim/layers/tied.py); a class attribute
    here, so a plain request pays nothing for it."""

    def __init__(self, id: int, key: int, client: int, t_start: float, target: str = "",
                 deadline: float = math.inf, work_s: float = 0.0, request_class: int = 0,
                 priority: int = 0) -> None:
        self.id = id
        self.key = key
        self.client = client
        self.t_start = t_start
        self.target = target
        self.deadline = deadline
        self.work_s = work_s
        self.request_class = request_class
        self.priority = priority

    def with_deadline(self, deadline: float) -> Request:
        """A copy for one attempt: abandoned attempts keep their own deadline."""
        return Request(self.id, self.key, self.client, self.t_start, self.target,
                       min(self.deadline, deadline), self.work_s, self.request_class,
                       self.priority)
