"""Navigation with prefetching: users hover links, some click, prefetched data may be ready.

The navigation model: a user hovers over a link to a page (drawn from the workload's key
popularity) for ``hover_time``; with probability ``click_probability`` the hover ends in a
click (after ``click_after`` when given, else after the hover time). A click needs the
page's data: one request to the target backend, through the strategy's layer stack.

A strategy's :class:`PrefetchSpec` starts that request early:

- ``hover``: ``delay`` after the pointer enters the link, if it is still there (the
  router's ``setTimeout``, cleared on ``mouseleave``);
- ``press``: at focus/touchstart/mousedown, ``press_lead`` before the click, for links
  that get clicked only;
- ``route``: once a page's data arrived, the ``count`` most likely next pages (the most
  popular keys).

What a prefetch brought is kept per client under a policy: ``once`` (used by the next
click on that link, then dropped), ``ttl`` (usable for ``ttl`` after it arrived, by any
number of clicks) or ``cache`` (nothing kept here: the prefetch went through the layer
stack, so a cache layer holds it and the click is a cache hit). A click on a link whose
prefetch is still in flight waits for it instead of asking again. A prefetch is skipped
when usable data or a prefetch in flight already exists for the link.

Logged: every click (latency from the click to the data, where it came from) and every
prefetch (whether a click ever used it, and the backend calls it cost).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, cast

from simpy.events import Event, Process, Timeout

from asyncsim.sim.distributions import Distribution
from asyncsim.sim.engine import BlockSampler
from asyncsim.sim.outcome import Outcome, Source, Status
from asyncsim.sim.request import Request
from asyncsim.sim.workload.context import WorkloadContext
from asyncsim.sim.workload.keys import KeySpec, key_draw
from asyncsim.sim.workload.load.models import (
    ClosedLoad,
    LoadModel,
    OpenLoad,
    TraceLoad,
    start_load,
)
from asyncsim.sim.workload.logs.columns import ClickLog, PrefetchLog

Trigger = Literal["hover", "press", "route"]
Keep = Literal["once", "ttl", "cache"]
_HITS = (Source.FRESH_HIT, Source.STALE_HIT, Source.COALESCED)

# ClickLog.prefetched codes
FETCHED, READY, JOINED, CACHED = 0, 1, 2, 3


@dataclass(frozen=True)
class PrefetchSpec:
    on: Trigger = "hover"
    delay_s: float = 0.0
    keep: Keep = "once"
    ttl_s: float = math.inf
    count: int = 1


@dataclass(frozen=True)
class Navigation:
    """A user hovers over a link (maybe prefetching it) and may click it."""

    target: str
    hover_time: Distribution
    click_probability: float
    keys: KeySpec = field(default_factory=KeySpec)
    click_after: Distribution | None = None
    press_lead_s: float = 0.0
    LOADS: ClassVar[tuple[type, ...]] = (OpenLoad, ClosedLoad, TraceLoad)

    @property
    def targets(self) -> tuple[str, ...]:
        return (self.target,)

    def start(self, ctx: WorkloadContext, load: LoadModel) -> None:
        assert isinstance(load, OpenLoad | ClosedLoad | TraceLoad)
        navigator = _Navigator(ctx, self, ctx.behaviour(PrefetchSpec), load)
        ctx.logs.add(navigator.clicks)
        ctx.logs.add(navigator.prefetches)
        start_load(ctx, load, navigator.hover)


class _Stored:
    """A prefetch kept for a client's link: in flight until ``done``."""

    __slots__ = ("done", "ok", "ready_at", "row", "waiter")

    def __init__(self, row: int) -> None:
        self.row = row
        self.done = False
        self.ok = False
        self.ready_at = math.nan
        self.waiter: Event | None = None


class _PrefetchRequest(Request):
    __slots__ = ("stored",)

    def __init__(self, id: int, key: int, client: int, t_start: float, target: str,
                 stored: _Stored) -> None:
        super().__init__(id, key, client, t_start, target)
        self.stored = stored


class _Navigator:
    def __init__(self, ctx: WorkloadContext, workload: Navigation,
                 strategy: PrefetchSpec | None, load: LoadModel) -> None:
        self.env = ctx.env
        self.driver = ctx.driver
        self.call = ctx.call_for(workload.target)
        self.workload = workload
        self.strategy = strategy
        self.end = ctx.duration_s
        self.waits = isinstance(load, ClosedLoad)
        streams = ctx.streams
        self.next_key = key_draw(ctx, workload.keys, isinstance(load, TraceLoad))
        self.hover_time = BlockSampler(workload.hover_time.draw,
                                       streams.generator("workload:hover-time"))
        self.click_draw = BlockSampler(lambda g, n: g.random(n),
                                       streams.generator("workload:click"))
        self.click_after = (BlockSampler(workload.click_after.draw,
                                         streams.generator("workload:click-after"))
                            if workload.click_after is not None else None)
        self.stores: dict[int, dict[int, _Stored]] = {}
        self.clicks = ClickLog()
        self.prefetches = PrefetchLog()

    def hover(self, client: int) -> Event | None:
        """One hover: the draws come first, in the same order whatever the strategy."""
        key = self.next_key()
        clicks = self.click_draw() < self.workload.click_probability
        hover_s = self.hover_time()
        if clicks and self.click_after is not None:
            hover_s = self.click_after()
        env = self.env
        if env._now + hover_s >= self.end:
            return None
        strategy = self.strategy
        prefetches = strategy is not None and (
            (strategy.on == "hover" and strategy.delay_s < hover_s)
            or (strategy.on == "press" and clicks))
        if not clicks and not prefetches:
            return Timeout(env, hover_s) if self.waits else None
        self.driver.hold()
        return Process(env, self._hover(client, key, clicks, hover_s))

    def _hover(self, client: int, key: int, clicks: bool,
               hover_s: float) -> Generator[Event, Any, None]:
        env, strategy = self.env, self.strategy
        if strategy is not None and strategy.on == "hover" and strategy.delay_s < hover_s:
            yield Timeout(env, strategy.delay_s)
            self._prefetch(client, key)
            yield Timeout(env, hover_s - strategy.delay_s)
        elif strategy is not None and strategy.on == "press" and clicks:
            lead = min(self.workload.press_lead_s, hover_s)  # no press before the pointer came
            yield Timeout(env, hover_s - lead)
            self._prefetch(client, key)
            yield Timeout(env, lead)
        else:
            yield Timeout(env, hover_s)
        if clicks:
            ok = yield from self._click(client, key)
            if ok and strategy is not None and strategy.on == "route":
                for likely in [k for k in range(strategy.count + 1) if k != key][:strategy.count]:
                    self._prefetch(client, likely)
        self.driver.release()

    def _usable(self, stored: _Stored) -> bool:
        if not stored.done:
            return True
        strategy = self.strategy
        assert strategy is not None
        if strategy.keep == "cache":
            return False  # the cache layer decides; a new prefetch asks it again
        return stored.ok and (strategy.keep != "ttl"
                              or self.env._now - stored.ready_at <= strategy.ttl_s)

    def _prefetch(self, client: int, key: int) -> None:
        store = self.stores.setdefault(client, {})
        stored = store.get(key)
        if stored is not None and self._usable(stored):
            return
        now = self.env._now
        stored = store[key] = _Stored(self.prefetches.add(now, client, key, False, False, 0))
        driver = self.driver
        driver.start(self.call, _PrefetchRequest(driver.take_id(), key, client, now,
                                                 self.workload.target, stored),
                     self._prefetched)

    def _prefetched(self, request: Request, outcome: Outcome) -> None:
        stored = cast(_PrefetchRequest, request).stored
        stored.done = True
        stored.ok = outcome.status == Status.OK
        stored.ready_at = self.env._now
        columns = self.prefetches.arrays
        columns["ok"][stored.row] = stored.ok
        columns["attempts"][stored.row] = outcome.attempts
        if stored.waiter is not None:
            stored.waiter.succeed()

    def _click(self, client: int, key: int) -> Generator[Event, Any, bool]:
        """The click's data: from a kept prefetch, a prefetch in flight, or a fetch."""
        env = self.env
        t_click = env._now
        store = self.stores.setdefault(client, {})
        stored = store.pop(key, None)
        keep = self.strategy.keep if self.strategy is not None else "once"
        if stored is not None and keep != "cache":
            source = READY if stored.done else JOINED
            if not stored.done:
                if stored.waiter is None:
                    stored.waiter = Event(env)
                yield stored.waiter
            used = self.prefetches.arrays["used"]
            if self._usable(stored) and (keep == "ttl" or not used[stored.row]):
                used[stored.row] = True
                if keep == "ttl":
                    store[key] = stored  # a ttl entry serves every click until it expires
                self.clicks.add(t_click, client, key, env._now - t_click, True, source)
                return True
        request = Request(self.driver.take_id(), key, client, env._now, self.workload.target)
        outcome = yield from self.driver.run(self.call, request)
        source = FETCHED
        if stored is not None and keep == "cache" and outcome.source in _HITS:
            self.prefetches.arrays["used"][stored.row] = True
            source = CACHED
        ok = outcome.status == Status.OK
        self.clicks.add(t_click, client, key, env._now - t_click, ok, source)
        return ok
