"""Hedged requests: when the answer is slow, send another copy and take the first success.

The primary is sent at once; while no attempt has succeeded, a further copy is sent every
``delay`` (up to ``max_extra`` copies), and at once when an attempt fails and copies are
left (gRPC's hedging policy sends the next hedge immediately on a non-fatal failure). The
first successful answer wins; the other attempts are not cancelled: the server keeps
working on them, as with any abandoned call. When every attempt failed, the last failure
is returned.

The delay is fixed (Polly, gRPC) or a percentile of the attempt latencies observed so far
(Finagle's BackupRequestFilter, which refreshes its percentile every 3 s). In percentile
mode no copy is sent until ``min_samples`` successful attempts have been seen.

The layer is shared per strategy run (one latency history, like a client process or a
sidecar). Counters: ``calls``, ``hedges`` (extra copies sent), ``hedge_wins`` (requests
answered by a copy rather than the primary).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from simpy.events import Event, Process, Timeout

from asyncsim.sim.engine import first_of
from asyncsim.sim.layers.base import BuildContext, Call, Scope
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.request import Request


@dataclass(frozen=True)
class HedgeSpec:
    delay_s: float | None = None
    """A fixed hedging delay; ``None`` in percentile mode."""
    percentile: float | None = None
    """Hedge after this percentile (0-100) of observed attempt latency."""
    max_extra: int = 1
    min_samples: int = 100
    window: int = 1000
    """Latest successful attempt latencies the percentile is computed from."""
    refresh_s: float = 3.0
    min_delay_s: float = 0.001
    """Finagle never hedges sooner than 1 ms."""
    scope: Scope = "shared"
    kind: str = "hedge"

    def build(self, ctx: BuildContext, next_call: Call) -> HedgeLayer:
        return HedgeLayer(ctx, self, next_call)


class HedgeLayer:
    def __init__(self, ctx: BuildContext, spec: HedgeSpec, next_call: Call) -> None:
        self.env = ctx.env
        self.next = next_call
        self.spec = spec
        self.counters: Counter[str] = Counter()
        self._delay_s = spec.delay_s if spec.delay_s is not None else math.inf
        self._samples = np.empty(spec.window) if spec.percentile is not None else None
        self._seen = 0
        self._refresh_at = 0.0

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        self.counters["calls"] += 1
        delay = self._current_delay()
        if delay == math.inf:
            outcome: Outcome = yield from self._send(request)
            return outcome
        return (yield from self._hedged(request, delay))

    def _hedged(self, request: Request, delay: float) -> Generator[Event, Any, Outcome]:
        env, counters = self.env, self.counters
        primary = Process(env, self._send(request))
        pending = [primary]
        extra_left = self.spec.max_extra
        attempts = 0
        last: Outcome | None = None
        while True:
            timer = Timeout(env, delay) if extra_left else None
            yield first_of(env, [*pending, timer] if timer is not None else pending)
            failed = False
            for process in [p for p in pending if p.triggered]:
                pending.remove(process)
                outcome = cast(Outcome, process.value)
                attempts += outcome.attempts
                if outcome.status == Status.OK:
                    if process is not primary:
                        counters["hedge_wins"] += 1
                    # Copies still running count as one backend call each.
                    return Outcome(Status.OK, outcome.source, outcome.version,
                                   attempts + len(pending))
                last, failed = outcome, True
            if extra_left and (failed or (timer is not None and timer.processed)):
                extra_left -= 1
                counters["hedges"] += 1
                pending.append(Process(env, self._send(request)))
            elif not pending:
                assert last is not None
                return Outcome(last.status, last.source, last.version, attempts,
                               last.retry_after_s)

    def _send(self, request: Request) -> Generator[Event, Any, Outcome]:
        """One copy: the call below itself, or in percentile mode a timed wrapper."""
        return self.next(request) if self._samples is None else self._timed(request)

    def _timed(self, request: Request) -> Generator[Event, Any, Outcome]:
        """A copy whose latency joins the history when it succeeds."""
        assert self._samples is not None
        started = self.env._now
        outcome: Outcome = yield from self.next(request)
        if outcome.status == Status.OK:
            self._samples[self._seen % self.spec.window] = self.env._now - started
            self._seen += 1
        return outcome

    def _current_delay(self) -> float:
        samples = self._samples
        if samples is None or self.env._now < self._refresh_at:
            return self._delay_s
        spec = self.spec
        if self._seen >= spec.min_samples:
            assert spec.percentile is not None
            filled = samples[:min(self._seen, spec.window)]
            self._delay_s = max(spec.min_delay_s, float(np.percentile(filled, spec.percentile)))
            self._refresh_at = self.env._now + spec.refresh_s
        return self._delay_s
