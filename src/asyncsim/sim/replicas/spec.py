"""What a replicated backend is made of: how many replicas, the balancer, outlier ejection
and active health checks (plain parameters; the runtime is in the sibling modules)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from asyncsim.sim.backend import Fault

BALANCERS = ("round_robin", "random", "least_outstanding", "p2c", "consistent_hash",
             "weighted")


@dataclass(frozen=True)
class OutlierSpec:
    """Envoy's outlier detection (config.cluster.v3.OutlierDetection; docs/library-defaults.md
    §1.8): the defaults are Envoy's."""

    consecutive_5xx: int | None = 5
    """Eject a replica after this many failures in a row (None: off)."""
    interval_s: float = 10.0
    """How often ejections are reviewed and the success rates computed."""
    base_ejection_s: float = 30.0
    """An ejection lasts this long times the replica's ejection count."""
    max_ejection_s: float = 300.0
    max_ejection_percent: float = 10.0
    success_rate: bool = False
    """Also eject replicas whose success rate over an interval is below
    mean - stdev_factor x stdev of the replicas with enough requests."""
    success_rate_minimum_hosts: int = 5
    success_rate_request_volume: int = 100
    success_rate_stdev_factor: float = 1.9
    """Envoy writes 1900 (/1000)."""


@dataclass(frozen=True)
class HealthSpec:
    """Active health checks: a probe to each replica every ``interval_s``; it fails when it
    errs or takes longer than ``timeout_s``. Defaults are Kubernetes probes'
    (periodSeconds 10, timeoutSeconds 1, failureThreshold 3, successThreshold 1); Envoy
    requires them to be set."""

    interval_s: float = 10.0
    timeout_s: float = 1.0
    unhealthy_threshold: int = 3
    healthy_threshold: int = 1


@dataclass(frozen=True)
class ReplicationSpec:
    replicas: int
    balancer: str = "round_robin"
    weights: tuple[float, ...] = ()
    """``weighted``: one weight per replica."""
    outlier: OutlierSpec | None = None
    health: HealthSpec | None = None
    faults: tuple[tuple[int, Fault], ...] = ()
    """Faults of one replica: (replica index, fault)."""
    panic_percent: float = 50.0
    """Envoy's healthy_panic_threshold: with fewer usable replicas than this share, the
    balancer uses every replica (better an unhealthy one than none)."""

    def __post_init__(self) -> None:
        if self.replicas < 1:
            raise ValueError(f"replicas must be at least 1 (got {self.replicas})")
        if self.balancer not in BALANCERS:
            raise ValueError(f"unknown balancer {self.balancer!r}")
        if self.balancer == "weighted" and len(self.weights) != self.replicas:
            raise ValueError("weighted balancing needs one weight per replica")
