"""A plain FIFO backend's timeline: each call's start and end are known when it arrives.

Why: with first-come-first-served order, identical workers and a service time that does
not depend on what happens while the call waits, a call starts when it arrives or when
the earliest worker frees, whichever is later (Lindley's recursion, generalised to c
workers by a heap of the times each worker becomes free). So a backend needs no queue,
no hand-over event and no worker count: one event at the call's end, or none (below).
That is the engine's fastest path (issue 15), and it is the exactness tests' reference
recursion itself.

When it applies (:func:`plain_fifo`): FIFO order without shedding, no queue limit, no
``drop_expired``, no faults, no concurrency factor or service curve, no downstream calls;
and no tied request over the backend (a tied copy leaves the queue when its twin starts,
which would change the later calls' starts: the simulation turns the timeline off then).

The one difference from a queue of tickets: a call arriving at the very instant a worker
frees starts at once and does not count as queued, whatever the order the two events
would have had; its wait is zero either way, so latencies are unchanged.

The time integrals of calls in service and calls waiting (the backend's busy and queue
gauges) come from sums kept per call (see :class:`FifoTimeline`).

Calls whose end nobody waits for at that instant need no event at all: their caller
(sim/direct.py's ``TimelineCall``) ends them later, in end order, once the clock has
passed their end and someone looks. It registers as the timeline's :class:`LaterEnds`,
so every gauge read and every ``settle`` (the run's stop checks and its end) ends them
first.
"""

from __future__ import annotations

from collections import deque
from heapq import heapreplace
from typing import Protocol

from asyncsim.sim.queues.discipline import QueueSpec

KNOWN_COMPLETION = True
"""Whether plain FIFO backends use the timeline (tests switch it off to compare)."""


def plain_fifo(queue: QueueSpec, queue_limit: int | None, drop_expired: bool,
               faults: int, service_varies: bool, steps: int) -> bool:
    """Whether a backend with these settings can know each call's end at its arrival."""
    return (KNOWN_COMPLETION and queue.order == "fifo" and not queue.sheds
            and queue_limit is None and not drop_expired and not faults
            and not service_varies and not steps)


class Counts(Protocol):
    """A backend's counters (``BackendStats``) as far as the timeline keeps them."""

    served: int
    queued: int
    wait_s: float


class LaterEnds(Protocol):
    """Calls on a timeline left to end later, by whoever admitted them."""

    def settle(self, now: float) -> None:
        """End, in end order, those whose end is not after ``now``."""

    def end_when_due(self) -> None:
        """Give each of those not ended yet an event at its end (the run drains)."""


class FifoTimeline:
    """``workers`` identical workers serving calls in arrival order.

    The gauges' integrals over [0, t], from sums kept per call: a call waits over
    [arrival, start) and is served over [start, end). Its wait is known at admission, so
    the waiting integral is the sum of the waits less what lies after t (calls whose
    start is still ahead: the last ones admitted, as starts never decrease). The busy
    integral is the service of the calls that ended, plus t - start for each call still
    open, corrected for those whose start is still ahead."""

    __slots__ = ("_busy_done_s", "_free_at", "_open", "_open_start_sum_s", "_starts_ahead",
                 "_waits_s", "busy_gauge", "later", "queue_gauge")

    def __init__(self, workers: int) -> None:
        self._free_at = [0.0] * workers
        """A heap: when each worker is free (of every call admitted so far)."""
        self._starts_ahead: deque[tuple[float, float, Counts]] = deque()
        """(start, arrival, counters) of the calls that waited, until the clock passes
        their start: then they count as served, with their wait, as at a worker."""
        self._waits_s = 0.0  # every admitted call's wait
        self._open = 0  # calls admitted and not ended
        self._open_start_sum_s = 0.0  # the sum of their starts
        self._busy_done_s = 0.0  # time served by calls that have ended
        self.later: LaterEnds | None = None
        """Calls left to end later, ended before any read."""
        self.busy_gauge = _Area(self, busy=True)
        self.queue_gauge = _Area(self, busy=False)

    def admit(self, now: float, service_s: float, counts: Counts) -> float:
        """A call arrives ``now`` needing ``service_s``: when it starts. ``counts`` (the
        backend's counters at its arrival) gets it as queued now if it waits, and as
        served, with its wait, when it starts."""
        ahead = self._starts_ahead
        if ahead and ahead[0][0] <= now:
            self._start_until(now)
        free_at = self._free_at
        start = free_at[0]
        if start <= now:
            start = now
            counts.served += 1
        else:
            counts.queued += 1
            ahead.append((start, now, counts))
            self._waits_s += start - now
        heapreplace(free_at, start + service_s)
        self._open += 1
        self._open_start_sum_s += start
        return start

    def _start_until(self, now: float) -> None:
        """The calls whose start has come reach their worker."""
        ahead = self._starts_ahead
        while ahead and ahead[0][0] <= now:
            start, arrived, counts = ahead.popleft()
            counts.served += 1
            counts.wait_s += start - arrived

    def done(self, started: float, now: float) -> None:
        """The call that started at ``started`` ends ``now``."""
        self._busy_done_s += now - started
        self._open -= 1
        # Back to an exact zero whenever nothing is open, so rounding cannot pile up.
        self._open_start_sum_s = self._open_start_sum_s - started if self._open else 0.0

    def settle(self, now: float) -> None:
        """Start the calls whose start has come, and end the calls left to end later whose
        end is not after ``now``: before the backend's counters or gauges are read."""
        self._start_until(now)
        if self.later is not None:
            self.later.settle(now)

    def _ahead_of(self, now: float) -> float:
        """Sum over calls whose start is after ``now`` of (start - now), once settled."""
        return sum(start - now for start, _, _ in self._starts_ahead)

    def busy_area_at(self, now: float) -> float:
        """Time integral of calls in service over [0, now]."""
        self.settle(now)
        return (self._busy_done_s + (self._open * now - self._open_start_sum_s)
                + self._ahead_of(now))

    def queue_area_at(self, now: float) -> float:
        """Time integral of waiting calls over [0, now]."""
        self.settle(now)
        return self._waits_s - self._ahead_of(now)


class _Area:
    """One of the timeline's integrals, read like a :class:`~asyncsim.sim.record.Gauge`."""

    __slots__ = ("_busy", "_timeline")

    def __init__(self, timeline: FifoTimeline, busy: bool) -> None:
        self._timeline = timeline
        self._busy = busy

    def area_at(self, now: float) -> float:
        timeline = self._timeline
        return timeline.busy_area_at(now) if self._busy else timeline.queue_area_at(now)
