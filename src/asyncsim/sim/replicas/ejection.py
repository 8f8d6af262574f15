"""Outlier ejection with Envoy's semantics (arch_overview/upstream/outlier, the
OutlierDetection proto; defaults in spec.py).

- A failure is an error or rejection answered by the replica, or an answer that came after
  the caller's deadline (Envoy records the upstream timeout, a 504, against the host; here it
  is recorded when the late answer arrives). A tied copy taken out of a queue is no failure.
- consecutive_5xx failures in a row eject the replica at once.
- Every ``interval``: replicas whose ejection time has passed come back; a replica not
  ejected has its ejection count lowered by one; with ``success_rate`` on, replicas with at
  least ``request_volume`` calls in the interval, when there are ``minimum_hosts`` of them,
  are ejected if their success rate is below mean − stdev_factor × stdev (population stdev,
  as Envoy computes it).
- An ejection lasts base_ejection_time × the replica's ejection count, at most
  max_ejection_time.
- A replica is ejected only if none is, or if the ejected share is below
  max_ejection_percent (so at least one can always be ejected, as Envoy does).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import Any

import simpy
from simpy.events import Event, Timeout

from asyncsim.sim.replicas.spec import OutlierSpec


class OutlierDetector:
    def __init__(self, env: simpy.Environment, spec: OutlierSpec, replicas: int,
                 on_change: Callable[[], None]) -> None:
        self.env = env
        self.spec = spec
        self.ejected = [False] * replicas
        self.ejections = [0] * replicas
        """Ejections of each replica in the measured window (reset at warm-up)."""
        self._count = [0] * replicas          # Envoy's ejection multiplier
        self._until = [math.inf] * replicas
        self._in_a_row = [0] * replicas
        self._ok = [0] * replicas
        self._total = [0] * replicas
        self._on_change = on_change
        self.ejected_s = [0.0] * replicas
        """Time each replica spent ejected since the last reset."""
        self._since = [0.0] * replicas
        env.process(self._review())

    def record(self, replica: int, failed: bool) -> None:
        self._total[replica] += 1
        if not failed:
            self._ok[replica] += 1
            self._in_a_row[replica] = 0
            return
        self._in_a_row[replica] += 1
        limit = self.spec.consecutive_5xx
        if limit is not None and self._in_a_row[replica] >= limit:
            self._in_a_row[replica] = 0
            self._eject(replica)

    def reset(self, now: float) -> None:
        """Start the measured window: ejection counts and ejected time from zero."""
        self.ejections = [0] * len(self.ejected)
        self.ejected_s = [0.0] * len(self.ejected)
        self._since = [now] * len(self.ejected)

    def close(self, now: float) -> list[float]:
        """Ejected time of each replica up to ``now`` (open ejections counted to ``now``)."""
        return [spent + (now - since if ejected else 0.0) for spent, since, ejected
                in zip(self.ejected_s, self._since, self.ejected, strict=True)]

    def _eject(self, replica: int) -> None:
        if self.ejected[replica]:
            return
        spec = self.spec
        out = sum(self.ejected)
        if out and out * 100.0 / len(self.ejected) >= spec.max_ejection_percent:
            return
        now = self.env._now
        self.ejected[replica] = True
        self._since[replica] = now
        self._count[replica] += 1
        self.ejections[replica] += 1
        self._until[replica] = now + min(spec.base_ejection_s * self._count[replica],
                                         max(spec.max_ejection_s, spec.base_ejection_s))
        self._on_change()

    def _review(self) -> Generator[Event, Any, None]:
        spec = self.spec
        while True:
            yield Timeout(self.env, spec.interval_s)
            now = self.env._now
            changed = False
            for replica, ejected in enumerate(self.ejected):
                if ejected and now >= self._until[replica]:
                    self.ejected[replica] = False
                    self.ejected_s[replica] += now - self._since[replica]
                    self._until[replica] = math.inf
                    changed = True
                elif not ejected and self._count[replica] > 0:
                    self._count[replica] -= 1
            if changed:
                self._on_change()
            if spec.success_rate:
                self._success_rate()
            self._ok = [0] * len(self._ok)
            self._total = [0] * len(self._total)

    def _success_rate(self) -> None:
        spec = self.spec
        rates = {replica: self._ok[replica] / total for replica, total in enumerate(self._total)
                 if total >= spec.success_rate_request_volume and not self.ejected[replica]}
        if len(rates) < spec.success_rate_minimum_hosts:
            return
        mean = sum(rates.values()) / len(rates)
        stdev = math.sqrt(sum((rate - mean) ** 2 for rate in rates.values()) / len(rates))
        floor = mean - spec.success_rate_stdev_factor * stdev
        for replica, rate in rates.items():
            if rate < floor:
                self._eject(replica)
