"""Active health checks: a probe to each replica every interval, through its queue (a health
endpoint served by the same workers), so an overloaded or failing replica fails its probes.

A probe fails when it errs or has no answer within the timeout; ``unhealthy_threshold``
failures in a row take the replica out of balancing, ``healthy_threshold`` successes in a row
bring it back. Probes of replica i start at i × interval / n, so they do not all land at
once. A probe is a real call: it is counted in the replica's calls and draws its service
time like any other (a scenario with health checks draws differently from one without).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from typing import Any, cast

import simpy
from simpy.events import Event, Process, Timeout

from asyncsim.sim.engine import race
from asyncsim.sim.layers.base import Call
from asyncsim.sim.outcome import Outcome
from asyncsim.sim.replicas.spec import HealthSpec
from asyncsim.sim.request import Request

PROBE_ID = -1
"""Request id of probes (never recorded: they do not come from the workload)."""


class HealthChecker:
    def __init__(self, env: simpy.Environment, spec: HealthSpec, replicas: Sequence[Call],
                 on_change: Callable[[], None]) -> None:
        self.env = env
        self.spec = spec
        self.healthy = [True] * len(replicas)
        self._on_change = on_change
        for index, call in enumerate(replicas):
            env.process(self._probe(index, call, index * spec.interval_s / len(replicas)))

    def _probe(self, index: int, call: Call, offset_s: float) -> Generator[Event, Any, None]:
        env, spec = self.env, self.spec
        yield Timeout(env, offset_s)
        failures = successes = 0
        while True:
            now = env._now
            probe = Process(env, call(Request(PROBE_ID, 0, -1, now,
                                              deadline=now + spec.timeout_s)))
            yield race(env, probe, spec.timeout_s)
            ok = probe.triggered and cast(Outcome, probe.value).ok
            failures, successes = (0, successes + 1) if ok else (failures + 1, 0)
            if self.healthy[index] and failures >= spec.unhealthy_threshold:
                self.healthy[index] = False
                self._on_change()
            elif not self.healthy[index] and successes >= spec.healthy_threshold:
                self.healthy[index] = True
                self._on_change()
            yield Timeout(env, max(0.0, now + spec.interval_s - env._now))
