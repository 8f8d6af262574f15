"""A backend's ``queue:``: how waiting calls are ordered and shed (sim/queues/).

```yaml
backends:
  api:
    queue: lifo                                   # shorthand for {discipline: lifo}
    queue: {discipline: adaptive_lifo, lifo_after: 100ms, codel: {target: 5ms}}
    queue: {max_wait: 500ms}                      # shed calls that waited longer
    queue: {max_in_system: 30}                    # shed calls that find 30 in the backend
    queue: {discipline: priority, shed: {from_priority: 1, when_waiting: 20}}
```
``priority`` and ``shed`` read the request classes of the workload (``workload.classes``).

A strategy chooses its own with ``- system: {backends.api.queue: {discipline: lifo}}``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveInt

from asyncsim.scenarios.base import Model, Problems, shorthand
from asyncsim.scenarios.types import Duration
from asyncsim.sim.queues import QueueSpec


class CodelConfig(Model):
    """Facebook's server CoDel ("Fail at Scale", ACM Queue 2015; RFC 8289 for the names)."""

    target: Duration = Field(
        default=0.005, gt=0,
        description="longest wait for a call that joins a standing queue (non-empty for "
                    "the last interval); default 5ms, as RFC 8289")
    interval: Duration = Field(
        default=0.1, gt=0,
        description="a queue non-empty this long is standing; also the longest wait "
                    "otherwise; default 100ms, as RFC 8289")


class ShedConfig(Model):
    """Shedding by class: refuse less important calls first when a queue forms."""

    from_priority: int = Field(
        default=1, ge=1,
        description="refuse calls of this priority or a less important one (higher number; "
                    "0 is the most important)")
    when_waiting: int = Field(
        default=0, ge=0,
        description="once this many calls are waiting (0: whenever every worker is busy)")


class QueueConfig(Model):
    """The order in which waiting calls get a worker, and when a waiting call is shed."""

    discipline: Literal["fifo", "lifo", "adaptive_lifo", "priority"] = Field(
        default="fifo",
        description="fifo: oldest first; lifo: newest first; adaptive_lifo: fifo until the "
                    "queue has been non-empty for lifo_after, then newest first; priority: "
                    "the most important class first (the workload's classes), fifo within")
    lifo_after: Duration = Field(
        default=0.1, gt=0,
        description="adaptive_lifo: how long the queue must stay non-empty before the "
                    "newest calls go first (default 100ms)")
    codel: CodelConfig | None = Field(
        default=None, description="shed calls by CoDel's rule (target, interval)")
    max_wait: Duration | None = Field(
        default=None, gt=0,
        description="shed any call that waited longer than this (load shedding by queue "
                    "time; default: never)")
    max_in_system: PositiveInt | None = Field(
        default=None,
        description="shed a call at arrival when it finds this many calls in service and "
                    "waiting (load shedding by concurrency; M/M/c/K's K; default: never)")
    shed: ShedConfig | None = Field(
        default=None, description="shedding by class: refuse less important requests first "
                                  "(the workload's classes and their priorities)")

    _shorthand = shorthand("discipline", str)

    def problems(self) -> Problems:
        if self.discipline != "adaptive_lifo" and "lifo_after" in self.model_fields_set:
            return [(("lifo_after",), f"lifo_after applies to adaptive_lifo only (this "
                                      f"queue is {self.discipline})")]
        return []

    def to_sim(self) -> QueueSpec:
        return QueueSpec(
            order=self.discipline,
            lifo_after_s=self.lifo_after if self.discipline == "adaptive_lifo" else 0.0,
            codel_target_s=self.codel.target if self.codel else None,
            codel_interval_s=self.codel.interval if self.codel else 0.1,
            max_wait_s=self.max_wait,
            shed_from_priority=self.shed.from_priority if self.shed else None,
            shed_when_waiting=self.shed.when_waiting if self.shed else 0,
            max_in_system=self.max_in_system)


class RequestClassConfig(Model):
    """One kind of request in the workload's mix."""

    share: float = Field(gt=0, le=1, description="share of the requests of this class")
    priority: int = Field(
        default=0, ge=0, le=100,
        description="0 is the most important: served first by a priority queue, shed last")
