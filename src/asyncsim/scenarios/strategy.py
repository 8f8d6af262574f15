"""Strategy layers as written in a scenario: a list of one-key mappings, outermost first.

```yaml
strategies:
  with-timeout:
    - timeout: 2s
```
Each kind is one module under items/ and one optional field of :class:`LayerItem`: the
rest of the pipeline (validation messages, JSON Schema, building) follows from that.

A ``system`` item is neither: it changes the backends or the workload for this strategy
(see scenarios/system.py).

Client behaviours (``page_load``, ``prefetch``, ``pagination``; ``polling``, ``focus``,
``push``, ``mutation`` for live views) are written in the same list, because they are what a
strategy compares too, but they are not layers: they tell the workload how and when to ask,
and ``to_behaviour`` gives them to it (see ``sim.workload.context``).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from asyncsim.scenarios.base import OneOf
from asyncsim.scenarios.items.behaviours.focus import FocusConfig
from asyncsim.scenarios.items.behaviours.mutation import MutationConfig
from asyncsim.scenarios.items.behaviours.page_load import PageLoadConfig
from asyncsim.scenarios.items.behaviours.pagination import PaginationConfig
from asyncsim.scenarios.items.behaviours.polling import PollingConfig
from asyncsim.scenarios.items.behaviours.prefetch import PrefetchConfig
from asyncsim.scenarios.items.behaviours.push import PushConfig
from asyncsim.scenarios.items.layers.breaker import BreakerConfig
from asyncsim.scenarios.items.layers.bulkhead import BulkheadConfig
from asyncsim.scenarios.items.layers.cache import CacheConfig
from asyncsim.scenarios.items.layers.deadline import DeadlineConfig
from asyncsim.scenarios.items.layers.dedup import DedupConfig
from asyncsim.scenarios.items.layers.delay import DelayConfig
from asyncsim.scenarios.items.layers.fallback import FallbackConfig
from asyncsim.scenarios.items.layers.hedge import HedgeConfig
from asyncsim.scenarios.items.layers.limiter import LimiterConfig
from asyncsim.scenarios.items.layers.ratelimit import RateLimitConfig
from asyncsim.scenarios.items.layers.retry import RetryConfig
from asyncsim.scenarios.items.layers.throttle import ThrottleConfig
from asyncsim.scenarios.items.layers.tied import TiedConfig
from asyncsim.scenarios.items.layers.timeout import TimeoutConfig
from asyncsim.sim.layers.base import LayerSpec

BEHAVIOUR_ITEMS = {"page_load": "pages", "prefetch": "navigation", "pagination": "feed",
                   "polling": "live", "focus": "live", "push": "live", "mutation": "live"}
"""Strategy items that configure the workload, with the workload behaviour each needs."""


class LayerItem(OneOf):
    timeout: TimeoutConfig | None = None
    breaker: BreakerConfig | None = None
    bulkhead: BulkheadConfig | None = None
    ratelimit: RateLimitConfig | None = None
    limiter: LimiterConfig | None = Field(
        default=None, description="adaptive concurrency limit (Netflix concurrency-limits): "
                                  "at most limit calls in flight, learned from drops")
    throttle: ThrottleConfig | None = Field(
        default=None, description="client-side adaptive throttling (Google SRE book): "
                                  "refuse locally when the backend accepts too little")
    fallback: FallbackConfig | None = None
    cache: CacheConfig | None = None
    dedup: DedupConfig | None = None
    deadline: DeadlineConfig | None = None
    retry: RetryConfig | None = None
    hedge: HedgeConfig | None = None
    tied: TiedConfig | None = Field(
        default=None, description="tied requests: a second copy after a delay; the first to "
                                  "start service cancels the other (innermost layer only)")
    delay: DelayConfig | None = Field(
        default=None, description="calls wait this long on the way (a network round trip)")
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
    system: dict[str, Any] | None = Field(
        default=None, min_length=1,
        description="change the system for this strategy: dotted paths from backends or "
                    "workload to new values, e.g. {backends.api.workers: 16}")

    @property
    def kind(self) -> str:
        return self.chosen()[0]

    @property
    def is_behaviour(self) -> bool:
        return self.kind in BEHAVIOUR_ITEMS

    @property
    def is_layer(self) -> bool:
        return self.kind not in BEHAVIOUR_ITEMS and self.kind != "system"

    def to_spec(self) -> LayerSpec:
        _, config = self.chosen()
        spec: LayerSpec = config.to_spec()
        return spec

    def to_behaviour(self) -> object:
        _, config = self.chosen()
        behaviour: object = config.to_behaviour()
        return behaviour
