"""Replicas, load balancing, outlier ejection and health checks of a backend, as written.

```yaml
backends:
  api:
    workers: 4
    latency: {exponential: 20ms}
    replicas: 10                      # each with its own 4 workers and queue
    balancer: p2c                     # round_robin, random, least_outstanding, p2c,
                                      # consistent_hash, weighted (with weights)
    outlier_detection: {}             # Envoy's defaults; {success_rate: {}} adds that test
    health_check: {interval: 5s}
    faults:
      - {kind: slowdown, at: 0s, for: 1h, factor: 10, replica: 3}   # one replica only
```
The runtime is sim/replicas/; the defaults are Envoy's (docs/library-defaults.md §1.8) for
outlier detection and Kubernetes probes' for health checks (Envoy has none).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveInt

from asyncsim.scenarios.base import Model
from asyncsim.scenarios.types import Duration
from asyncsim.sim.replicas.spec import HealthSpec, OutlierSpec

Balancer = Literal["round_robin", "random", "least_outstanding", "p2c", "consistent_hash",
                   "weighted"]
MAX_REPLICAS = 10_000
MIN_INTERVAL_S = 0.001
"""Reviews and probes at least 1 ms apart (a timer of 1e-300 s would never let time pass)."""


class SuccessRateConfig(Model):
    """Envoy's success-rate outlier test, run every interval."""

    minimum_hosts: PositiveInt = Field(default=5, description="replicas with enough calls "
                                       "needed for the test to run (Envoy: 5)")
    request_volume: PositiveInt = Field(default=100, description="calls a replica needs in "
                                        "the interval to be judged (Envoy: 100)")
    stdev_factor: PositiveInt = Field(default=1900, description="eject below mean - "
                                      "stdev_factor/1000 x stdev (Envoy: 1900)")


class OutlierConfig(Model):
    """Passive health checking as Envoy does it: eject replicas that fail."""

    consecutive_5xx: PositiveInt | None = Field(
        default=5, description="failures in a row that eject a replica (Envoy: 5; null: off); "
                               "a failure is an error, a rejection or an answer after the "
                               "caller's deadline")
    interval: Duration = Field(default=10.0, ge=MIN_INTERVAL_S, description="how often "
                               "ejections are reviewed and success rates computed (Envoy: 10s)")
    base_ejection_time: Duration = Field(
        default=30.0, gt=0, description="an ejection lasts this times the replica's ejection "
                                        "count (Envoy: 30s)")
    max_ejection_time: Duration = Field(default=300.0, gt=0,
                                        description="the longest ejection (Envoy: 300s)")
    max_ejection_percent: float = Field(
        default=10.0, ge=0, le=100, description="most replicas ejected at once, in percent; "
                                                "one can always be (Envoy: 10)")
    success_rate: SuccessRateConfig | None = Field(
        default=None, description="also eject replicas whose success rate is an outlier")

    def to_sim(self) -> OutlierSpec:
        rate = self.success_rate
        return OutlierSpec(
            consecutive_5xx=self.consecutive_5xx, interval_s=self.interval,
            base_ejection_s=self.base_ejection_time, max_ejection_s=self.max_ejection_time,
            max_ejection_percent=self.max_ejection_percent, success_rate=rate is not None,
            success_rate_minimum_hosts=rate.minimum_hosts if rate else 5,
            success_rate_request_volume=rate.request_volume if rate else 100,
            success_rate_stdev_factor=(rate.stdev_factor if rate else 1900) / 1000)


class HealthConfig(Model):
    """Active health checks: a probe to each replica every interval, through its queue."""

    interval: Duration = Field(default=10.0, ge=MIN_INTERVAL_S,
                               description="between probes (Kubernetes periodSeconds: 10)")
    timeout: Duration = Field(default=1.0, gt=0,
                              description="a probe slower than this fails (Kubernetes: 1s)")
    unhealthy_threshold: PositiveInt = Field(
        default=3, description="failed probes in a row that take a replica out (Kubernetes "
                               "failureThreshold: 3)")
    healthy_threshold: PositiveInt = Field(
        default=1, description="passed probes in a row that bring it back (Kubernetes "
                               "successThreshold: 1)")

    def to_sim(self) -> HealthSpec:
        return HealthSpec(self.interval, self.timeout, self.unhealthy_threshold,
                          self.healthy_threshold)


REPLICA_FIELDS = ("replicas", "balancer", "weights", "outlier_detection", "health_check")
"""The backend fields this module describes (BackendConfig declares them)."""


def replica_problems(replicas: int, balancer: str,
                     weights: list[float] | None) -> list[tuple[tuple[str | int, ...], str]]:
    """Contradictions among a backend's replica fields, relative to the backend."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    if balancer == "weighted" and weights is None:
        problems.append((("balancer",), "a weighted balancer needs weights (one per replica)"))
    if weights is not None and balancer != "weighted":
        problems.append((("weights",), f"weights are for the weighted balancer (this one is "
                                       f"{balancer})"))
    elif weights is not None and len(weights) != replicas:
        problems.append((("weights",), f"{len(weights)} weights for {replicas} replicas: "
                                       "give one per replica"))
    return problems
