"""Where the time goes in a service graph: how long each backend and each hop took, how
long each backend waited on each of its steps, and how long each fan-out waited for its
slowest leaves.

Only calls made for a user request that started in the measured window (``t_start >=
warmup``) count, the rule the request log's readers use, so a hop's numbers describe the
same requests as the user's latency. Timing wraps a call in one more generator frame and
creates no SimPy event, so it changes no result; the simulation turns it on only for a
scenario with a service graph (a backend with ``calls``).

Names: a backend by its name (``db``: every call that reached it, from a client or a
hop, queueing, own work and downstream waits included); a hop ``caller->callee``
(``api->db``: the call as the caller sees it, through the hop's layers, retries and
timeouts included; ``api->db#1.0`` when one caller calls the same backend twice).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from simpy.events import Event

from asyncsim.sim.layers.base import Call
from asyncsim.sim.measure.streams import CHUNK_VALUES, ValueStream, ValueSummary
from asyncsim.sim.outcome import Outcome
from asyncsim.sim.request import Request


@dataclass(frozen=True)
class FanoutTimes:
    """A fan-out hop's measured fan-outs: when the first leaf answered and when the
    fan-out ended (the k-th success, or the failure that made k unreachable), in seconds
    after it began."""

    first_s: ValueSummary
    end_s: ValueSummary

    @property
    def rows(self) -> np.ndarray:
        """(first, end) per fan-out, when the run kept its samples (tests/validation)."""
        if self.first_s.samples is None or self.end_s.samples is None:
            raise ValueError("the run kept no samples (SimulationSpec.keep_requests)")
        return np.column_stack([self.first_s.samples, self.end_s.samples])


@dataclass
class GraphTimes:
    """A run's graph timings over the measured window (see the module doc for names)."""

    latency_s: dict[str, ValueSummary] = field(default_factory=dict)
    """Durations of the calls to each backend and through each hop."""
    step_wait_s: dict[str, dict[str, float]] = field(default_factory=dict)
    """By backend, then by step (``api->db``, ``api->search+recs``): total time its calls
    waited on that step."""
    edge_calls: dict[str, int] = field(default_factory=dict)
    """Calls that went down each edge to the callee: ``client->api`` (the client's stack
    over api, below its layers), ``api->db`` (below the hop's layers: every retry and
    hedge copy counts, every leaf of a fan-out)."""
    fanouts: dict[str, FanoutTimes] = field(default_factory=dict)
    """By fan-out hop."""


class GraphClock:
    """Collects a run's :class:`GraphTimes` as calls finish, in flat memory
    (sim/measure/streams.py); ``keep`` keeps every sample too (exact checks)."""

    def __init__(self, env: Any, warmup_s: float, keep: bool = False) -> None:
        self.env = env
        self.warmup_s = warmup_s
        self.keep = keep
        self._latency: dict[str, ValueStream] = {}
        self._waits: dict[str, dict[str, float]] = {}
        self._fanouts: dict[str, tuple[ValueStream, ValueStream]] = {}
        self._edges: dict[str, list[int]] = {}

    def timed(self, name: str, call: Call) -> Call:
        """``call``, with the duration of each call in the window kept under ``name``."""
        stream = self._latency.setdefault(name, ValueStream(self.keep))
        pending = stream.pending
        env, warmup_s = self.env, self.warmup_s

        def timed_call(request: Request) -> Generator[Event, Any, Outcome]:
            start = env._now
            outcome = yield from call(request)
            if request.t_start >= warmup_s:
                pending.append(env._now - start)
                if len(pending) >= CHUNK_VALUES:
                    stream.fold()
            return outcome

        return timed_call

    def counted(self, edge: str, call: Call) -> Call:
        """``call``, with the calls in the window counted under ``edge``."""
        count = self._edges.setdefault(edge, [0])
        warmup_s = self.warmup_s

        def counted_call(request: Request) -> Generator[Event, Any, Outcome]:
            if request.t_start >= warmup_s:
                count[0] += 1
            return (yield from call(request))

        return counted_call

    def step(self, caller: str, step: str, request: Request, waited_s: float) -> None:
        """One call of ``caller`` waited ``waited_s`` on its step ``step``."""
        if request.t_start >= self.warmup_s:
            waits = self._waits.setdefault(caller, {})
            waits[step] = waits.get(step, 0.0) + waited_s

    def declare_step(self, caller: str, step: str) -> None:
        """A step that exists, so it reports 0 rather than nothing when no call reaches it."""
        self._waits.setdefault(caller, {}).setdefault(step, 0.0)

    def fanout(self, hop: str, request: Request, first_s: float, done_s: float) -> None:
        """One fan-out of ``hop``: its first leaf answered after ``first_s``, it ended
        after ``done_s``."""
        if request.t_start >= self.warmup_s:
            first, end = self._fanouts.get(hop) or self._fanouts.setdefault(
                hop, (ValueStream(self.keep), ValueStream(self.keep)))
            first.append(first_s)
            end.append(done_s)

    def times(self) -> GraphTimes:
        """What was measured so far (the run may go on: a stop check reads it mid-run)."""
        return GraphTimes(
            latency_s={name: stream.summary() for name, stream in sorted(self._latency.items())},
            edge_calls={edge: count[0] for edge, count in sorted(self._edges.items())},
            step_wait_s={caller: dict(waits) for caller, waits in sorted(self._waits.items())},
            fanouts={hop: FanoutTimes(first.summary(), end.summary())
                     for hop, (first, end) in sorted(self._fanouts.items())})
