"""Adaptive concurrency limit on the client: at most ``limit`` calls in flight; the limit
is learned from the answers.

A call that finds ``limit`` calls in flight is refused locally (``REJECTED``, counted in
``counters["rejected"]``, no yield). When a call ends, the algorithm learns from its
round-trip time, the calls in flight when it was sent (itself included), and whether it
was dropped (the backend rejected it or it timed out):

- **aimd**, **vegas**, **gradient2**: Netflix concurrency-limits (``netflix.py``), updated
  once per finished call.
- **envoy**: Envoy's adaptive concurrency filter, gradient controller (``envoy.py``),
  updated per sample window with minRTT windows that pin the limit low.

The limit's time average over the measured window is the ``limit`` gauge
(``concurrency_limit`` metric).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Literal

from simpy.events import Event

from asyncsim.sim.layers.base import BuildContext, Call, Scope
from asyncsim.sim.layers.limiter.envoy import EnvoyGradient
from asyncsim.sim.layers.limiter.netflix import Aimd, Gradient2, Vegas
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.request import Request

DROPS = frozenset({Status.REJECTED, Status.TIMEOUT})
Algorithm = Literal["aimd", "vegas", "gradient2", "envoy"]


@dataclass(frozen=True)
class LimiterSpec:
    """The settings of every algorithm; each reads its own (scenarios/items/layers/limiter.py
    says which)."""

    algorithm: Algorithm = "aimd"
    initial_limit: int = 20
    min_limit: int = 20
    """aimd, gradient2: the floor; envoy: min_concurrency (the floor, and the limit pinned
    while minRTT is measured); vegas: 1."""
    max_limit: int = 200
    backoff_ratio: float = 0.9
    timeout_s: float = 5.0
    smoothing: float = 1.0
    probe_multiplier: int = 30
    queue_size: int = 4
    long_window: int = 600
    update_interval_s: float = 0.1
    min_rtt_interval_s: float = 60.0
    request_count: int = 50
    jitter: float = 0.15
    buffer: float = 0.25
    percentile: float = 0.5
    scope: Scope = "shared"
    kind: str = "limiter"

    def __post_init__(self) -> None:
        if not (1 <= self.min_limit <= self.max_limit and 0.5 <= self.backoff_ratio < 1
                and self.timeout_s > 0 and 0 < self.smoothing <= 1
                and self.probe_multiplier >= 1 and self.queue_size >= 0
                and self.long_window >= 1 and self.update_interval_s > 0
                and self.min_rtt_interval_s > 0 and self.request_count >= 1
                and 0 <= self.jitter <= 1 and self.buffer >= 0 and 0 < self.percentile < 1):
            raise ValueError(f"bad concurrency limiter settings {self}")

    def build(self, ctx: BuildContext, next_call: Call) -> LimiterLayer:
        return LimiterLayer(ctx, self, next_call)


def _algorithm(spec: LimiterSpec, ctx: BuildContext) -> Aimd | Vegas | Gradient2 | EnvoyGradient:
    if spec.algorithm == "aimd":
        return Aimd(spec.initial_limit, spec.min_limit, spec.max_limit, spec.backoff_ratio,
                    spec.timeout_s)
    if spec.algorithm == "vegas":
        return Vegas(spec.initial_limit, spec.max_limit, spec.smoothing, spec.probe_multiplier,
                     ctx.generator("probe"))
    if spec.algorithm == "gradient2":
        return Gradient2(spec.initial_limit, spec.min_limit, spec.max_limit, spec.smoothing,
                         spec.queue_size, spec.long_window)
    return EnvoyGradient(spec.min_limit, spec.max_limit, spec.update_interval_s,
                         spec.min_rtt_interval_s, spec.request_count, spec.jitter, spec.buffer,
                         spec.percentile, ctx.generator("jitter"))


class LimiterLayer:
    def __init__(self, ctx: BuildContext, spec: LimiterSpec, next_call: Call) -> None:
        self.env = ctx.env
        self.next = next_call
        algorithm = _algorithm(spec, ctx)
        self._envoy = algorithm if isinstance(algorithm, EnvoyGradient) else None
        self._netflix = None if isinstance(algorithm, EnvoyGradient) else algorithm
        self.limit = algorithm.limit
        self.in_flight = 0
        self.gauge = ctx.gauge("limit")
        self.gauge.set(ctx.env.now, self.limit)
        self.counters: Counter[str] = Counter()

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        env = self.env
        if self._envoy is not None:
            self._set(self._envoy.advance(env._now))
        if self.in_flight >= self.limit:
            self.counters["rejected"] += 1
            return Outcome(Status.REJECTED)
        self.in_flight += 1
        sent_with, started = self.in_flight, env._now
        try:
            outcome: Outcome = yield from self.next(request)
        finally:
            self.in_flight -= 1
        now = env._now
        if self._envoy is not None:
            if outcome.status == Status.TIMEOUT:
                self._set(self._envoy.advance(now))
            else:
                self._set(self._envoy.sample(now, started, now - started))
        elif self._netflix is not None:
            self._set(self._netflix.update(now - started, sent_with, outcome.status in DROPS))
        return outcome

    def _set(self, limit: int) -> None:
        if limit != self.limit:
            self.limit = limit
            self.gauge.set(self.env._now, limit)
