"""Fan-out: one step of a backend calls N leaves (shards or replicas) in parallel and waits
for all of them, for the first k (a quorum), or for the first.

Each leaf has its own chain of layers (hedge, tied, timeout, ...: the same ``LayerSpec``s
as anywhere), built per leaf so a percentile hedge learns from that leaf's latencies. Leaf
``i`` goes to the target's entry call: the backend itself, or with replicas its balancer.

The step succeeds as soon as ``k`` leaves answered OK, and fails as soon as more than
``n - k`` failed (k can no longer be reached). Leaves still in flight then are not
cancelled: as with any abandoned call the server keeps working on them (their deadline,
which travels with them, lets ``drop_expired`` skip them).

Why callbacks and not ``AnyOf`` in a loop: with 100 leaves, re-arming a condition on every
answer would cost O(n^2) work per request; one counter per step costs O(n).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from simpy.events import Event, Process

from asyncsim.sim.graph import HopSpec, downstream
from asyncsim.sim.layers.base import Call
from asyncsim.sim.outcome import Outcome, Source, Status
from asyncsim.sim.request import Request


@dataclass(frozen=True)
class FanOutSpec(HopSpec):
    """``n`` parallel calls to ``target``, each through ``layers``; done at ``k`` successes
    (k = n: wait for all; k = 1: the first)."""

    n: int = 1
    k: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.k <= self.n:
            raise ValueError(f"a fan-out waits for 1..n leaves (n = {self.n}, k = {self.k})")


class FanOut:
    """The runtime step: ``call`` has the shape of any call, so the graph treats a fan-out
    as one hop."""

    def __init__(self, env: Any, spec: FanOutSpec, leaves: Sequence[Call],
                 on_done: Callable[[Request, float, float], None] | None = None) -> None:
        """``on_done(request, first_s, done_s)`` hears, per fan-out, when its first leaf
        answered and when it ended, in seconds after it began (sim/graph_times.py)."""
        self.env = env
        self.spec = spec
        self.leaves = tuple(leaves)
        self.on_done = on_done

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        env = self.env
        need = self.spec.k
        allowed_failures = len(self.leaves) - need
        done = Event(env)
        tally = [0, 0, 0]   # successes, failures, attempts
        start = env._now
        first = [-1.0]      # when the first leaf answered, after start

        def answered(process: Event) -> None:
            outcome = cast(Outcome, process.value)
            tally[2] += outcome.attempts
            if done.triggered:
                return
            if first[0] < 0:
                first[0] = env._now - start
            if outcome.status == Status.OK:
                tally[0] += 1
                if tally[0] >= need:
                    done.succeed(True)
            else:
                tally[1] += 1
                if tally[1] > allowed_failures:
                    done.succeed(False)

        for leaf in self.leaves:
            Process(env, leaf(downstream(request))).callbacks.append(answered)
        ok = yield done
        if self.on_done is not None:
            self.on_done(request, first[0], env._now - start)
        if ok:
            return Outcome(Status.OK, Source.NETWORK, attempts=tally[2])
        return Outcome(Status.ERROR, attempts=tally[2])
