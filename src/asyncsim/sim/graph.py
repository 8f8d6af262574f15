"""Service graphs: a backend's work can include calls to other backends.

A backend with ``steps`` does its own work (its service time), then each step in turn: a
step is one call, or several calls in parallel that it waits for all of. Each call goes
through its own chain of layers (retry, timeout, breaker, cache, hedge, ... built with the
same ``LayerSpec.build(ctx, next)`` as a client's), then does the backend's ``after`` work.
If a call fails the backend answers with an error (as an HTTP handler returns 5xx when a
dependency fails), so failures and retries travel up the tiers and multiply.

The downstream request carries the caller's deadline (as gRPC deadlines do), so
``drop_expired`` acts at every hop; a hop's own timeout layer tightens it further. A
caller with ``drop_expired`` whose deadline passed stops before its next step.

Blocking (the default): the worker is held while its downstream calls are in flight, which
is how thread pools run dry when a dependency slows. Non-blocking (an event loop): the
worker is released for the downstream wait and taken again, through the queue, for the
``after`` work.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any

from simpy.events import AllOf, Event

from asyncsim.sim.graph_times import GraphClock
from asyncsim.sim.layers.base import Call, LayerSpec
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.request import Request


@dataclass(frozen=True)
class HopSpec:
    """One call of a backend to ``target``, through ``layers`` (outermost first)."""

    target: str
    layers: tuple[LayerSpec, ...] = ()


Step = tuple[HopSpec, ...]
"""One step: a single call, or calls made in parallel (the step waits for all)."""


def hop_name(caller: str, step: int, index: int) -> str:
    """The name of a hop's layer chain (and its random streams): ``api#0.0``."""
    return f"{caller}#{step}.{index}"


class Steps(list[list[Call]]):
    """A backend's steps, each the top calls of its hops; with a ``clock``, each step's
    wait is timed under the backend's name (``caller``) and the step's (``names``)."""

    def __init__(self, steps: list[list[Call]], caller: str = "",
                 names: Sequence[str] = (), clock: GraphClock | None = None) -> None:
        super().__init__(steps)
        self.caller = caller
        self.names = tuple(names)
        self.clock = clock


def run_steps(env: Any, caller: Any, request: Request,
              calls: Sequence[Sequence[Call]]) -> Generator[Event, Any, Status]:
    """Make every step's calls; the first failing step ends the work with its status."""
    clock = calls.clock if isinstance(calls, Steps) else None
    for index, hops in enumerate(calls):
        if caller.spec.drop_expired and request.deadline < env._now:
            caller.stats.dropped += 1
            return Status.REJECTED
        start = env._now
        if len(hops) == 1:
            target = hops[0]
            outcome: Outcome = yield from target(downstream(request))
            ok = outcome.ok
        else:
            running = [env.process(hop(downstream(request))) for hop in hops]
            yield AllOf(env, running)
            ok = all(process.value.ok for process in running)
        if clock is not None:
            assert isinstance(calls, Steps)
            clock.step(calls.caller, calls.names[index], request, env._now - start)
        if not ok:
            return Status.ERROR
    return Status.OK


def downstream(request: Request) -> Request:
    """The request a hop sends: the caller's key, client, deadline and class."""
    return Request(request.id, request.key, request.client, request.t_start, request.target,
                   request.deadline, 0.0, request.request_class, request.priority)
