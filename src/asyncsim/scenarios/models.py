"""The scenario language, version 1: pydantic models with ``extra="forbid"`` everywhere.

The JSON Schema (``asyncsim schema``) is generated from these models, so every field's
description here is also the editor's hover text.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from pydantic import (
    Field,
    ModelWrapValidatorHandler,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    PrivateAttr,
    ValidationInfo,
    model_validator,
)

from asyncsim.scenarios.base import KEY, Model, OneOf, Problems
from asyncsim.scenarios.distributions import DistributionConfig
from asyncsim.scenarios.graph import StepConfig
from asyncsim.scenarios.objectives import ObjectivesConfig
from asyncsim.scenarios.queue import QueueConfig, RequestClassConfig
from asyncsim.scenarios.recovery import RecoveryConfig
from asyncsim.scenarios.replicas import (
    MAX_REPLICAS,
    Balancer,
    HealthConfig,
    OutlierConfig,
    replica_problems,
)
from asyncsim.scenarios.service_curve import ServiceCurveConfig
from asyncsim.scenarios.strategy import LayerItem
from asyncsim.scenarios.system import apply, overrides_of
from asyncsim.scenarios.thresholds import ThresholdItem
from asyncsim.scenarios.types import Duration, DurationOrNever, Rate
from asyncsim.scenarios.workload.feed import FeedConfig
from asyncsim.scenarios.workload.live import LiveConfig
from asyncsim.scenarios.workload.navigation import NavigationConfig
from asyncsim.scenarios.workload.pages import PagesConfig
from asyncsim.scenarios.workload.trace import TraceConfig

FaultKind = Literal["outage", "error_burst", "slowdown", "capacity_drop"]
FAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "outage": (), "error_burst": ("error_rate",), "slowdown": ("factor",),
    "capacity_drop": ("workers",)}
"""The settings each fault kind reads besides kind, at and for."""


class FaultConfig(Model):
    """A window of trouble on a backend, from ``at`` for ``for``."""

    kind: FaultKind
    at: Duration
    for_: Duration = Field(alias="for", gt=0)
    factor: float = Field(default=1.0, gt=0, le=1000,
                          description="slowdown: service-time multiplier (at most 1000; "
                                      "slower than that is an outage)")
    error_rate: float = Field(default=1.0, ge=0, le=1, description="error_burst: P(error)")
    workers: NonNegativeInt | None = Field(default=None,
                                           description="capacity_drop: workers left")
    replica: NonNegativeInt | None = Field(
        default=None, description="only this replica (0-based) of a replicated backend "
                                  "(default: every replica)")

    @model_validator(mode="after")
    def _needs(self) -> FaultConfig:
        if self.kind == "capacity_drop" and self.workers is None:
            raise ValueError("a capacity_drop needs workers (how many are left)")
        if self.kind == "slowdown" and self.factor == 1.0:
            raise ValueError("a slowdown needs a factor other than 1")
        return self

    def problems(self, backend_workers: int) -> Problems:
        """Settings this kind does not read (they would be silently ignored), and a
        capacity drop that adds workers."""
        applies = FAULT_FIELDS[self.kind]
        out: Problems = []
        for name in ("factor", "error_rate", "workers"):
            if name in self.model_fields_set and name not in applies:
                takes = ", ".join(applies) if applies else "nothing besides kind, at and for"
                users = [k for k, fields in FAULT_FIELDS.items() if name in fields]
                out.append(((name, KEY), f"{name} is for {', '.join(users)} faults; a "
                                         f"{self.kind} takes {takes}"))
        if self.kind == "capacity_drop" and self.workers is not None \
                and self.workers > backend_workers:
            out.append((("workers",), f"a capacity_drop to {self.workers} workers is more than "
                                      f"the backend has ({backend_workers}); it can only "
                                      "lower capacity"))
        return out


class ErrorsConfig(Model):
    rate: float = Field(default=0.0, ge=0, le=1, description="probability a call fails")
    latency: DistributionConfig | None = Field(
        default=None, description="how long a failing call takes (default: as a success)")
    retry_after: Duration | None = Field(
        default=None, ge=0, description="pushback sent with error and rejected answers "
                                        "(Retry-After, grpc-retry-pushback-ms)")


class DataConfig(Model):
    """How the backend's values change, so a delivery can be judged stale and by how much."""

    change_rate: Rate = Field(
        gt=0, description="each key changes at the times of its own Poisson process of this "
                          "rate, e.g. 1/min")


class BackendConfig(Model):
    workers: PositiveInt = Field(default=1, strict=True, description="calls served at once")
    queue_limit: NonNegativeInt | None = Field(
        default=None, description="calls allowed to wait; more are rejected (default: no limit)")
    latency: DistributionConfig = Field(description="service time of one call")
    errors: ErrorsConfig = Field(default_factory=ErrorsConfig)
    faults: list[FaultConfig] = Field(default_factory=list)
    drop_expired: bool = Field(
        default=False, description="skip queued calls whose client deadline has passed")
    data: DataConfig | None = Field(
        default=None, description="data versions for staleness (default: values never change)")
    calls: list[StepConfig] = Field(
        default_factory=list, description="calls to other backends after its own work: "
                                          "steps in order, each a call or parallel calls")
    after: DistributionConfig | None = Field(
        default=None, description="its own work after the calls (default: none)")
    blocking: bool = Field(
        default=True, description="hold the worker while downstream calls are in flight "
                                  "(a thread pool); false: an event loop")
    replicas: PositiveInt = Field(default=1, le=MAX_REPLICAS, strict=True,
                                  description="instances, each with its own workers and queue")
    balancer: Balancer = Field(default="round_robin",
                               description="how calls are spread over the replicas")
    weights: list[PositiveFloat] | None = Field(
        default=None, description="weighted balancer: one weight per replica")
    outlier_detection: OutlierConfig | None = Field(
        default=None, description="eject failing replicas for a while (Envoy's semantics "
                                  "and defaults: write {} for them)")
    health_check: HealthConfig | None = Field(
        default=None, description="probe each replica; failing ones get no calls")
    queue: QueueConfig = Field(
        default_factory=QueueConfig,
        description="how waiting calls are ordered (fifo, lifo, adaptive_lifo) and shed "
                    "(codel, max_wait)")
    concurrency_factor: float = Field(
        default=0.0, ge=0, le=10,
        description="service time grows by this share per other call in service: "
                    "x (1 + factor x (in service - 1)), thrashing or GC under load")
    service_curve: ServiceCurveConfig | None = Field(
        default=None, description="service time as a function of the calls in service: "
                                  "{multiplier: {1: 1, 16: 3}} or {latency: {1: 20ms, 16: "
                                  "60ms}}, linear between the points")

    def problems(self) -> Problems:
        """Replica fields that contradict each other, and faults of a replica not there."""
        problems = replica_problems(self.replicas, self.balancer, self.weights)
        if self.service_curve is not None:
            if self.concurrency_factor:
                problems.append((("service_curve",), "choose one: concurrency_factor or "
                                                     "service_curve (a factor f is the curve "
                                                     "{1: 1, n: 1 + f (n - 1)})"))
            problems += [(("service_curve", *loc), message) for loc, message
                         in self.service_curve.problems(self.latency.to_sim().mean)]
        for index, fault in enumerate(self.faults):
            if fault.replica is not None and fault.replica >= self.replicas:
                problems.append((("faults", index, "replica"),
                                 f"replica {fault.replica} of a backend with {self.replicas} "
                                 f"replica(s) (allowed: 0..{self.replicas - 1})"))
        return problems


class StageConfig(Model):
    """Ramp the arrival rate linearly to ``to`` over ``for`` (k6's ramping-arrival-rate)."""

    for_: Duration = Field(alias="for", gt=0)
    to: Rate = Field(ge=0)


class ArrivalsConfig(OneOf):
    poisson: Rate | None = Field(default=None, gt=0, description="Poisson arrivals at this rate")
    constant: Rate | None = Field(default=None, gt=0, description="evenly spaced arrivals")
    trace: TraceConfig | None = Field(
        default=None, description="replay an access log: recorded times, keys and clients")
    stages: list[StageConfig] = Field(default_factory=list)

    def chosen_names(self) -> list[str]:
        return [n for n in ("poisson", "constant", "trace") if getattr(self, n) is not None]

    @classmethod
    def field_names(cls) -> list[str]:
        return ["poisson", "constant", "trace"]

    @model_validator(mode="after")
    def _no_stages_on_a_trace(self) -> ArrivalsConfig:
        if self.trace is not None and self.stages:
            raise ValueError("a trace sets its own rate: remove stages (scale it with "
                             "trace.time_scale or trace.rate_scale)")
        return self


class ClosedConfig(Model):
    think_time: DistributionConfig = Field(description="pause between a reply and the next request")


class ContentionConfig(Model):
    """Each user completes one conditional write to one shared record (read the version,
    write if unchanged, retry on conflict), all starting at 0s: the AWS 'Exponential
    Backoff And Jitter' experiment."""

    network: DistributionConfig = Field(
        default_factory=lambda: DistributionConfig.model_validate(
            {"normal": {"mean": "10ms", "sd": "2ms"}}),
        description="one-way network delay of every message (AWS: |N(10ms, 2ms)|)")


class HotSetConfig(Model):
    keys: float = Field(gt=0, lt=1, description="fraction of keys that are hot")
    share: float = Field(gt=0, lt=1, description="fraction of requests that go to hot keys")


class KeysConfig(Model):
    count: PositiveInt = Field(default=1, strict=True, description="how many keys")
    zipf: float | None = Field(default=None, gt=0, description="Zipf exponent alpha")
    hot_set: HotSetConfig | None = None

    @model_validator(mode="after")
    def _one_popularity(self) -> KeysConfig:
        if self.zipf is not None and self.hot_set is not None:
            raise ValueError("choose one popularity: zipf or hot_set")
        return self


BEHAVIOURS = ("pages", "navigation", "feed")
"""What a unit of work can be besides a plain request (at most one per workload)."""

LOAD_MODELS = ("arrivals", "closed", "contention", "live")
"""How units of work come: arriving, looping users, one write per user, or users keeping
live views open."""


class WorkloadConfig(Model):
    """Who does what, when: a load model (arrivals or closed) and what each unit of work is.

    A unit is one request to ``target`` by default; with ``pages`` a page view, with
    ``navigation`` a hover over a link (maybe a click), with ``feed`` a reading session.
    ``live`` is a load model of its own: every user keeps a tab of views open for the whole
    run, and the strategy's polling, focus revalidation or push decides when they fetch.
    """

    target: str | None = Field(
        default=None, description="the backend the requests go to (every workload but pages)")
    users: PositiveInt = Field(default=1, strict=True,
                               description="simulated clients (per-client state)")
    arrivals: ArrivalsConfig | None = Field(
        default=None, description="open model: requests, page views, hovers or reading "
        "sessions arriving on their own schedule")
    closed: ClosedConfig | None = Field(default=None, description="closed model: users loop")
    contention: ContentionConfig | None = Field(
        default=None, description="contention: each user makes one conditional write")
    live: LiveConfig | None = Field(
        default=None, description="live model: every user keeps a tab of views open for the "
                                  "whole run, kept fresh by the strategy's polling, focus "
                                  "revalidation or push")
    keys: KeysConfig = Field(default_factory=KeysConfig)
    pages: PagesConfig | None = Field(default=None, description="units are page views")
    navigation: NavigationConfig | None = Field(
        default=None, description="units are hovers over links, some ending in a click")
    feed: FeedConfig | None = Field(
        default=None, description="units are reading sessions through a changing feed")
    classes: dict[str, RequestClassConfig] = Field(
        default_factory=dict,
        description="plain requests only: kinds of request in the mix, each with its share "
                    "and priority, e.g. {user: {share: 0.3, priority: 0}, prefetch: {share: "
                    "0.7, priority: 1}}; metrics are also given per class")

    @model_validator(mode="after")
    def _one_model(self) -> WorkloadConfig:
        if sum(getattr(self, name) is not None for name in LOAD_MODELS) != 1:
            raise ValueError("choose one load model: arrivals (open), closed or contention, or "
                             "live (users keep views open)")
        behaviours = [name for name in BEHAVIOURS if getattr(self, name) is not None]
        if len(behaviours) > 1:
            raise ValueError(f"choose at most one of: {', '.join(BEHAVIOURS)} "
                             f"(got {', '.join(behaviours)})")
        if self.live is not None and behaviours:
            raise ValueError(f"live views are a workload of their own: remove {behaviours[0]} "
                             "(or live)")
        return self

    @property
    def behaviour(self) -> str | None:
        """Which client behaviour the workload runs (None: plain requests)."""
        if self.live is not None:
            return "live"
        return next((name for name in BEHAVIOURS if getattr(self, name) is not None), None)


def _baseline_only() -> dict[str, list[LayerItem]]:
    return {"baseline": []}


class Scenario(Model):
    schema_: str | None = Field(default=None, alias="$schema", exclude=True)
    version: Literal[1] = 1
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    seed: NonNegativeInt = 1
    duration: Duration = Field(gt=0)
    warmup: Duration = Field(default=0.0, ge=0)
    replications: PositiveInt = Field(default=1, le=10_000, strict=True)
    drain: DurationOrNever = Field(
        default=float("inf"), ge=0,
        description="after duration, how long in-flight requests may still finish")
    backends: dict[str, BackendConfig] = Field(min_length=1)
    workload: WorkloadConfig
    strategies: dict[str, list[LayerItem]] = Field(
        default_factory=_baseline_only, min_length=1)
    thresholds: dict[str, list[ThresholdItem]] = Field(
        default_factory=dict,
        description="k6-style pass/fail criteria: 'metric{tag:value}': ['p(99) < 300ms', "
                    "...]; any failure makes the run exit 99")
    objectives: ObjectivesConfig | None = Field(
        default=None,
        description="the question the scenario asks: metrics to minimise or maximise and "
                    "constraints a winner keeps (default: the workload's key metrics)")
    recovery: RecoveryConfig = Field(
        default_factory=RecoveryConfig,
        description="how recovery after a fault is judged (recovery_time, recovered, "
                    "metastable): tolerance around the pre-fault baseline, hold time, step")

    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)
    _context: Any = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _no_null_strategies(cls, value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("strategies"), dict):
            value = {**value, "strategies": {k: (v if v is not None else [])
                                             for k, v in value["strategies"].items()}}
        return value

    @model_validator(mode="wrap")
    @classmethod
    def _keep_input(cls, value: Any, handler: ModelWrapValidatorHandler[Scenario],
                    info: ValidationInfo) -> Scenario:
        """Keep the plain input: a strategy's ``system`` overrides apply to what was
        written (defaults and presets then fill in as for the file itself)."""
        scenario = handler(value)
        if isinstance(value, dict) and any(
                isinstance(item, dict) and "system" in item
                for items in (value.get("strategies") or {}).values() for item in items or ()):
            scenario._raw = copy.deepcopy(value)
            scenario._context = info.context
        return scenario

    def system_of(self, strategy: str) -> Scenario:
        """The scenario as ``strategy`` changes it (itself when it changes nothing): its
        backends and workload with the strategy's ``system`` overrides, and only that
        strategy, without its ``system`` items.

        Raises:
            OverrideError: a path that cannot be followed.
            pydantic.ValidationError: the changed scenario is not valid.
        """
        items = self.strategies[strategy]
        overrides = overrides_of(items)
        if not overrides:
            return self
        raw = apply(self._raw, overrides)
        raw["strategies"] = {strategy: [item for item in raw["strategies"][strategy]
                                        if not (isinstance(item, dict) and "system" in item)]}
        raw["thresholds"] = {}
        return Scenario.model_validate(raw, context=self._context)


__all__ = ["OneOf", "Scenario"]
