"""Retries: call again after a failure, with backoff, within a budget, before a deadline.

A try is one call of the layer below (which may itself be a timeout, a cache or another
retry); ``max_attempts`` counts tries, the first included. After a failure whose status is
in ``retry_on`` the layer decides, in this order: attempts left? budget or throttle allows
it? (a denial ends the request with the last failure); the wait: the server's pushback
``retry_after_s`` when ``honour_retry_after`` is set (after which the backoff sequence
starts again, as gRPC does), else the backoff for this retry number; and whether the retry
can still start before the request's deadline (set by a ``deadline`` layer above: gRPC and
Envoy deadlines span all attempts), else it stops at once instead of sleeping in vain.

The layer is built once per strategy run, whatever its scope: one stream of backoff draws
serves every client, so clients that failed together do not draw the same jitter. The
scope says whose budget and throttle state it is: each client's own (an SDK in every
process) or one shared by all (a sidecar such as Envoy).

Counters: ``calls`` (requests in), ``retries`` (retry tries sent), ``retry_calls``
(backend calls those tries caused), ``denied`` (retries refused by budget or throttle),
``exhausted`` (failed with no attempts left), ``deadline_stops``, ``pushbacks`` (waits
taken from a server's retry-after), ``stopped_at_end`` (unlimited retries cut at the end
of the run), ``runaway`` (see ``RUNAWAY_TRIES``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

from simpy.events import Event, Timeout

from asyncsim.sim.engine import BlockSampler
from asyncsim.sim.layers.base import BuildContext, Call, Scope
from asyncsim.sim.layers.retry.backoff import BackoffSpec
from asyncsim.sim.layers.retry.budget import GateSpec, RetryGate
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.request import Request

RUNAWAY_TRIES = 10_000
"""Tries in a row that took no simulated time before the layer gives up on a request.

Why: an unlimited policy with zero backoff against a failure that costs no time (an
outage with no error latency) would otherwise loop forever at one instant. Real clients
spend at least some time per call; the simulator has to be told."""

DEFAULT_RETRY_ON = frozenset({Status.ERROR, Status.TIMEOUT, Status.REJECTED})


@dataclass(frozen=True)
class RetrySpec:
    max_attempts: float = 3
    """Tries including the first; ``math.inf`` for unlimited."""
    backoff: BackoffSpec = field(default_factory=BackoffSpec)
    retry_on: frozenset[Status] = DEFAULT_RETRY_ON
    gates: tuple[GateSpec, ...] = ()
    gates_per_client: bool = False
    """Each client its own budget and throttle state, or one for all (a sidecar)."""
    honour_retry_after: bool = False
    scope: Scope = "shared"
    kind: str = "retry"

    def build(self, ctx: BuildContext, next_call: Call) -> RetryLayer:
        return RetryLayer(ctx, self, next_call)


class RetryLayer:
    def __init__(self, ctx: BuildContext, spec: RetrySpec, next_call: Call) -> None:
        self.env = ctx.env
        self.next = next_call
        self.spec = spec
        self.counters: Counter[str] = Counter()
        self._backoff = spec.backoff
        self._uniform = (BlockSampler(lambda rng, n: rng.random(n), ctx.generator("backoff"))
                         if spec.backoff.random else None)
        self._retry_on = spec.retry_on
        # Unlimited retries stop at the end of the run, so a run against a dead backend ends.
        self._stop_at = ctx.duration_s if spec.max_attempts == math.inf else math.inf
        self._shared_gates: tuple[RetryGate, ...] = (
            tuple(g.build() for g in spec.gates) if spec.gates and not spec.gates_per_client
            else ())
        self._client_gates: dict[int, tuple[RetryGate, ...]] | None = (
            {} if spec.gates and spec.gates_per_client else None)

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        self.counters["calls"] += 1
        if self.spec.gates:
            return (yield from self._call_gated(request))
        outcome: Outcome = yield from self.next(request)
        if outcome.status == Status.OK or outcome.status not in self._retry_on:
            return outcome
        return (yield from self._retry(request, outcome, ()))

    def _gates(self, client: int) -> tuple[RetryGate, ...]:
        table = self._client_gates
        if table is None:
            return self._shared_gates
        gates = table.get(client)
        if gates is None:
            gates = table[client] = tuple(g.build() for g in self.spec.gates)
        return gates

    def _call_gated(self, request: Request) -> Generator[Event, Any, Outcome]:
        gates = self._gates(request.client)
        now = self.env._now
        for gate in gates:
            gate.request_started(now)
        outcome: Outcome = yield from self.next(request)
        self._report(gates, outcome)
        if outcome.status != Status.OK and outcome.status in self._retry_on:
            outcome = yield from self._retry(request, outcome, gates)
        for gate in gates:
            gate.request_finished()
        return outcome

    def _report(self, gates: tuple[RetryGate, ...], outcome: Outcome) -> None:
        ok = outcome.status == Status.OK
        counted = not ok and (outcome.status in self._retry_on
                              or outcome.retry_after_s is not None)
        for gate in gates:
            gate.attempt_done(ok, counted)

    def _retry(self, request: Request, outcome: Outcome,
               gates: tuple[RetryGate, ...]) -> Generator[Event, Any, Outcome]:
        env, counters, backoff = self.env, self.counters, self._backoff
        attempts = outcome.attempts
        tries, index, state = 1, 0, backoff.initial_state
        idle_tries, last_t = 0, env._now
        while True:
            now = env._now
            if tries >= self.spec.max_attempts:
                counters["exhausted"] += 1
                break
            if now >= self._stop_at:
                counters["stopped_at_end"] += 1
                break
            if gates and not all(gate.allow_retry(now) for gate in gates):
                counters["denied"] += 1
                break
            pushback = outcome.retry_after_s if self.spec.honour_retry_after else None
            if pushback is not None:
                wait, index, state = pushback, 0, backoff.initial_state
                counters["pushbacks"] += 1
            else:
                index += 1
                u = self._uniform() if self._uniform is not None else 0.0
                wait, state = backoff.delay(index, u, state)
            if now + wait >= request.deadline:
                counters["deadline_stops"] += 1
                break
            if wait > 0:
                yield Timeout(env, wait)
            tries += 1
            counters["retries"] += 1
            for gate in gates:
                gate.retry_sent()
            outcome = yield from self.next(request)
            for gate in gates:
                gate.retry_done()
            self._report(gates, outcome)
            attempts += outcome.attempts
            counters["retry_calls"] += outcome.attempts
            if outcome.status == Status.OK or outcome.status not in self._retry_on:
                break
            idle_tries = idle_tries + 1 if env._now == last_t else 0
            last_t = env._now
            if idle_tries >= RUNAWAY_TRIES:
                counters["runaway"] += 1
                break
        return Outcome(outcome.status, outcome.source, outcome.version, attempts,
                       outcome.retry_after_s)
