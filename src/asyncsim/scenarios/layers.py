"""Strategy layers as written in a scenario: a list of one-key mappings, outermost first.

```yaml
strategies:
  with-timeout:
    - timeout: 2s
```
Each policy adds one optional field to :class:`LayerItem` and a ``to_spec`` branch: the
rest of the pipeline (validation messages, JSON Schema, building) follows from that.

Client behaviours (``page_load``, ``prefetch``, ``pagination``; ``polling``, ``focus``,
``push``, ``mutation`` for live views) are written in the same list, because they are what a
strategy compares too, but they are not layers: they tell the workload how and when to ask,
and ``to_behaviour`` gives them to it (see ``sim.workload.context``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from asyncsim.scenarios.base import Model, OneOf
from asyncsim.scenarios.breaker_layers import (
    BreakerConfig,
    BulkheadConfig,
    FallbackConfig,
    RateLimitConfig,
)
from asyncsim.scenarios.cache_config import CacheConfig, DedupConfig
from asyncsim.scenarios.hedge import HedgeConfig
from asyncsim.scenarios.live_behaviours import (
    FocusConfig,
    MutationConfig,
    PollingConfig,
    PushConfig,
)
from asyncsim.scenarios.pages import PageLoadConfig
from asyncsim.scenarios.pagination import PaginationConfig
from asyncsim.scenarios.prefetch import PrefetchConfig
from asyncsim.scenarios.retry import RetryConfig
from asyncsim.scenarios.units import Duration
from asyncsim.sim.layers.base import LayerSpec
from asyncsim.sim.layers.timeout import TimeoutSpec


class TimeoutConfig(Model):
    """A per-attempt client timeout: the caller gives up, the server may keep working."""

    after: Duration = Field(gt=0, description="how long the client waits for one attempt")
    scope: Literal["client", "shared"] = "shared"
    propagate_deadline: bool = Field(
        default=True, description="send the deadline with the call (gRPC does; a plain HTTP "
                                  "client does not), so a backend with drop_expired can "
                                  "skip it once expired")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"after": value} if isinstance(value, str | int | float) else value

    def to_spec(self) -> LayerSpec:
        return TimeoutSpec(self.after, self.scope, propagate=self.propagate_deadline)


class DeadlineConfig(Model):
    """An overall deadline across attempts: put it above a retry layer.

    The same mechanism as a timeout, but it says what it is for: the request, retries and
    backoff included, must finish by then; the retry layer below stops retrying when a
    retry could no longer start in time.
    """

    after: Duration = Field(gt=0, description="how long the whole request may take")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"after": value} if isinstance(value, str | int | float) else value

    def to_spec(self) -> LayerSpec:
        return TimeoutSpec(self.after, "shared", kind="deadline")


BEHAVIOUR_ITEMS = {"page_load": "pages", "prefetch": "navigation", "pagination": "feed",
                   "polling": "live", "focus": "live", "push": "live", "mutation": "live"}
"""Strategy items that configure the workload, with the workload behaviour each needs."""


class LayerItem(OneOf):
    timeout: TimeoutConfig | None = None
    breaker: BreakerConfig | None = None
    bulkhead: BulkheadConfig | None = None
    ratelimit: RateLimitConfig | None = None
    fallback: FallbackConfig | None = None
    cache: CacheConfig | None = None
    dedup: DedupConfig | None = None
    deadline: DeadlineConfig | None = None
    retry: RetryConfig | None = None
    hedge: HedgeConfig | None = None
    page_load: PageLoadConfig | None = Field(
        default=None, description="how pages load: mode and Suspense boundaries")
    prefetch: PrefetchConfig | None = Field(
        default=None, description="when links are prefetched and how long the data is kept")
    pagination: PaginationConfig | None = Field(
        default=None, description="offset or cursor pages, infinite scroll, refetch policy")
    polling: PollingConfig | None = Field(
        default=None, description="live views refetch on a timer")
    focus: FocusConfig | None = Field(
        default=None, description="live views refetch when the tab is shown or back online")
    push: PushConfig | None = Field(
        default=None, description="live views get every change over a push channel")
    mutation: MutationConfig | None = Field(
        default=None, description="how a user's change shows: pessimistic or optimistic")

    @property
    def kind(self) -> str:
        return self.chosen()[0]

    @property
    def is_behaviour(self) -> bool:
        return self.kind in BEHAVIOUR_ITEMS

    def to_spec(self) -> LayerSpec:
        _, config = self.chosen()
        spec: LayerSpec = config.to_spec()
        return spec

    def to_behaviour(self) -> object:
        _, config = self.chosen()
        behaviour: object = config.to_behaviour()
        return behaviour
