"""Queue disciplines for a backend's waiting calls: FIFO, LIFO, adaptive LIFO, and shedding
by time in queue (a fixed limit, or Facebook's CoDel for servers).

- **fifo**: first come, first served (the default; the engine's exactness tests, Lindley's
  recursion and the heap of free times, hold for it bit for bit).
- **lifo**: the newest waiting call is served first (non-preemptive). Work conserving, so
  the mean wait is FIFO's; the spread is larger (Kleinrock, Queueing Systems vol. 1).
- **adaptive_lifo**: FIFO while the queue keeps emptying; LIFO once it has been non-empty
  for longer than ``lifo_after_s``, so under a standing queue the freshest calls, whose
  clients are still waiting, are served first (Maurer, "Fail at Scale", ACM Queue 2015).
- **codel** (``codel_target_s``, ``codel_interval_s``): the server variant of CoDel from
  "Fail at Scale": a call that joins a queue that has not been empty for the last interval
  may wait at most the target, otherwise at most the interval; a call past its limit is
  shed when it reaches the head instead of being served (RFC 8289's CoDel also drops at
  dequeue).
- **max_wait_s**: shed any call that waited longer than this (load shedding by queue time).
- **priority**: the waiting call of the most important class (lowest ``priority``) first,
  FIFO within a class (non-preemptive).
- **max_in_system**: shedding by concurrency: a call that finds this many calls in service
  and waiting is shed at arrival (the backend checks it; M/M/c/K's K, counted as shed
  rather than rejected by a full queue, and it may be below the workers).
- **shed_from_priority** / **shed_when_waiting**: shedding by class at admission: a call
  whose priority is at least ``shed_from_priority`` is refused when it finds
  ``shed_when_waiting`` calls or more waiting (Netflix's prioritized load shedding drops
  prefetches before user requests).

A shed call costs no work and answers ``REJECTED``. Why at the head and not at the instant
the limit passes: no timer per waiting call (a queue of thousands would cost thousands of
events); the worker's time, which is what overload is about, is the same. The client sees
the rejection when its call reaches the head (its own timeout, if any, comes first).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Literal

from simpy.events import Event

from asyncsim.sim.request import Request

Order = Literal["fifo", "lifo", "adaptive_lifo", "priority"]
Waiting = tuple[Event, Request, float]
"""A waiting call: the event that hands it a worker, the request, when it joined."""


@dataclass(frozen=True)
class QueueSpec:
    order: Order = "fifo"
    lifo_after_s: float = 0.0
    """adaptive_lifo: serve LIFO once the queue has been non-empty this long."""
    codel_target_s: float | None = None
    """CoDel's target: the longest wait under a standing queue (None: no CoDel)."""
    codel_interval_s: float = 0.1
    """CoDel's interval: a queue non-empty this long is standing; the longest wait otherwise."""
    max_wait_s: float | None = None
    """Shed calls that waited longer than this (None: no limit)."""
    shed_from_priority: int | None = None
    """Refuse calls of this priority or less important once ``shed_when_waiting`` wait."""
    shed_when_waiting: int = 0
    max_in_system: int | None = None
    """Shed a call that finds this many calls in service and waiting (None: no limit)."""

    def __post_init__(self) -> None:
        codel_ok = self.codel_target_s is None or (
            self.codel_target_s > 0 and self.codel_interval_s > 0)
        wait_ok = self.max_wait_s is None or self.max_wait_s > 0
        system_ok = self.max_in_system is None or self.max_in_system >= 1
        if self.lifo_after_s < 0 or not codel_ok or not wait_ok or self.shed_when_waiting < 0 \
                or not system_ok:
            raise ValueError(f"bad queue settings {self}")

    @property
    def sheds(self) -> bool:
        """Whether calls can be shed (by wait, by class, or by concurrency)."""
        return (self.codel_target_s is not None or self.max_wait_s is not None
                or self.shed_from_priority is not None or self.max_in_system is not None)


class WaitQueue:
    """The calls waiting for a worker; ``take`` says which one goes next and whether it is
    shed. ``len()`` and truth are the number waiting, as for a deque."""

    def __init__(self, spec: QueueSpec) -> None:
        self.spec = spec
        self._lanes: dict[int, deque[tuple[Waiting, float]]] = {}
        """Waiting calls with their wait limit, by priority (one lane unless ``priority``)."""
        self._count = 0
        self._nonempty_since = 0.0

    def __len__(self) -> int:
        return self._count

    def admits(self, request: Request) -> bool:
        """Whether a call that finds every worker busy may wait (shedding by class)."""
        spec = self.spec
        return (spec.shed_from_priority is None or request.priority < spec.shed_from_priority
                or self._count < spec.shed_when_waiting)

    def append(self, item: Waiting) -> None:
        now = item[2]
        if not self._count:
            self._nonempty_since = now
        spec = self.spec
        limit = math.inf
        if spec.sheds:
            limit = spec.max_wait_s if spec.max_wait_s is not None else math.inf
            if spec.codel_target_s is not None:
                standing = now - self._nonempty_since >= spec.codel_interval_s
                limit = min(limit, spec.codel_target_s if standing else spec.codel_interval_s)
        lane = item[1].priority if spec.order == "priority" else 0
        self._lanes.setdefault(lane, deque()).append((item, limit))
        self._count += 1

    def take(self, now: float) -> tuple[Waiting, bool]:
        """The next call to leave the queue, and whether it is shed rather than served."""
        spec = self.spec
        lane = self._lanes[min(p for p, calls in self._lanes.items() if calls)]
        newest = spec.order == "lifo" or (
            spec.order == "adaptive_lifo" and now - self._nonempty_since > spec.lifo_after_s)
        item, limit = lane.pop() if newest else lane.popleft()
        self._count -= 1
        if not self._count:
            self._nonempty_since = now
        return item, now - item[2] > limit

    def withdraw(self, ticket: object) -> bool:
        """Take out the call waiting on ``ticket`` (a tied copy whose twin started)."""
        for lane in self._lanes.values():
            for entry in lane:
                if entry[0][0] is ticket:
                    lane.remove(entry)
                    self._count -= 1
                    return True
        return False


class FifoQueue(deque[Waiting]):
    """FIFO without shedding, the default: a deque, so the common case costs nothing."""

    def admits(self, request: Request) -> bool:
        return True

    def take(self, now: float) -> tuple[Waiting, bool]:
        return self.popleft(), False

    def withdraw(self, ticket: object) -> bool:
        """Take out the call waiting on ``ticket`` (a tied copy whose twin started)."""
        for entry in self:
            if entry[0] is ticket:
                self.remove(entry)
                return True
        return False


def make_queue(spec: QueueSpec) -> WaitQueue | FifoQueue:
    """FIFO without shedding while waiting (``max_in_system`` sheds at arrival, in the
    backend) is the plain deque."""
    waiting_sheds = (spec.codel_target_s is not None or spec.max_wait_s is not None
                     or spec.shed_from_priority is not None)
    if spec.order == "fifo" and not waiting_sheds:
        return FifoQueue()
    return WaitQueue(spec)
