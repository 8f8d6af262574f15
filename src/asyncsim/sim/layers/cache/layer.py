"""A cache: TTL (from insertion or sliding), size limit with eviction, stale-while-revalidate,
negative caching and probabilistic early expiration (XFetch).

Ages count from when the fetch that filled an entry *completed*. A served entry is:

- **fresh** while younger than ``fresh_for_s``: returned at once;
- **stale** while younger than ``stale_for_s``: returned at once, and one background
  revalidation of the key starts unless one is already in flight. While it is in flight,
  the entry keeps being served stale even past ``stale_for_s`` (the cache already decided
  to refresh it; this is also the model of docs/validation.md case 11);
- otherwise a **miss**: the request waits for a fetch of its own (or, with ``coalesce``,
  joins the one in flight for the key).

Independently, an entry is removed ``ttl_s`` after insertion, or after the last request
that used it when ``sliding`` (TanStack's gcTime, idle expiry). An entry that can no
longer be served (past its ttl, or past ``stale_for_s`` with no revalidation in flight) is
removed then by a timer (sim/layers/cache/expiry.py), so ``entries`` (the gauge behind
``cache_size``) counts what the cache really holds. A hit returns without yielding, so it
costs no SimPy event; only misses, revalidations and expiries touch the engine.

XFetch (Vattani, Chierichetti, Lowenstein 2015; docs/library-defaults.md §1.13): a fresh hit
refreshes early, as a miss of its own while everyone else keeps hitting, when
``now + delta·beta·E >= fresh end``, with E ~ Exp(1) (= −ln U) and delta the duration of
the fetch that filled the entry.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Generator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from simpy.events import Event

from asyncsim.sim.engine import BlockSampler
from asyncsim.sim.layers.base import BuildContext, Call, Scope
from asyncsim.sim.layers.cache.expiry import Expiry
from asyncsim.sim.layers.cache.revalidate import Revalidator
from asyncsim.sim.layers.cache.store import EVICTIONS, Eviction, Store, make_store
from asyncsim.sim.layers.dedup import Flight, coalesced
from asyncsim.sim.outcome import FRESH_HIT, OK, Outcome, Source, Status
from asyncsim.sim.request import Request

if TYPE_CHECKING:
    from asyncsim.sim.direct import TimelineCall

_HIT_COUNTER = ("negative_hits", "fresh_hits")
Then = Callable[[Request, Outcome], None]
Start = Callable[[Any, Request, Then | None], None]  # indexed by "the entry holds data"


@dataclass(frozen=True)
class CacheSpec:
    """Resolved cache parameters (the scenario layer applies presets and defaults)."""

    ttl_s: float = math.inf
    sliding: bool = False
    fresh_for_s: float = math.inf
    stale_for_s: float = math.inf
    max_entries: int | None = None
    eviction: Eviction = "lru"
    error_ttl_s: float = 0.0
    xfetch_beta: float | None = None
    coalesce: bool = False
    scope: Scope = "shared"
    kind: str = "cache"

    def __post_init__(self) -> None:
        problems = []
        if not (self.ttl_s >= 0 and self.fresh_for_s >= 0 and self.error_ttl_s >= 0):
            problems.append("ttl_s, fresh_for_s and error_ttl_s must be zero or more")
        if not self.stale_for_s >= self.fresh_for_s:
            problems.append("stale_for_s must be at least fresh_for_s")
        if self.max_entries is not None and self.max_entries < 1:
            problems.append("max_entries must be at least 1")
        if self.eviction not in EVICTIONS:
            problems.append(f"eviction must be one of {', '.join(EVICTIONS)}")
        if self.xfetch_beta is not None and not self.xfetch_beta > 0:
            problems.append("xfetch_beta must be positive")
        if problems:
            raise ValueError("; ".join(problems))

    def build(self, ctx: BuildContext, next_call: Call) -> CacheLayer:
        return CacheLayer(ctx, self, next_call)


class Entry:
    """One cached answer: a version (``status`` OK) or a remembered failure.

    ``hit`` is the outcome every fresh hit on this entry returns, built on the first one:
    outcomes are never modified once returned, so one object serves them all.
    """

    __slots__ = ("expires", "fetch_s", "fresh_until", "hit", "stale_until", "status",
                 "version")

    def __init__(self, status: Status, version: int, fresh_until: float, stale_until: float,
                 expires: float, fetch_s: float) -> None:
        self.status = status
        self.version = version
        self.fresh_until = fresh_until
        self.stale_until = stale_until
        self.expires = expires
        self.fetch_s = fetch_s
        self.hit: Outcome | None = None

    @property
    def dies_at(self) -> float:
        """When it can no longer be served: past its ttl, or past its stale window."""
        return min(self.expires, self.stale_until)


class CacheLayer:
    def __init__(self, ctx: BuildContext, spec: CacheSpec, next_call: Call) -> None:
        self.env = ctx.env
        self.spec = spec
        self.next = next_call
        self.counters: Counter[str] = Counter()
        uniform = BlockSampler(lambda rng, n: rng.random(n), ctx.generator("evict"))
        self.store: Store[Entry] = make_store(spec.max_entries, spec.eviction, uniform)
        self.entries: dict[int, Entry] = self.store.entries
        self.inflight: dict[int, Flight] = {}
        self.size = ctx.gauge("entries")
        self._slide_s = spec.ttl_s if spec.sliding else None
        self._coalesce = spec.coalesce
        self._fresh_for_s, self._stale_for_s, self._ttl_s = (spec.fresh_for_s, spec.stale_for_s,
                                                            spec.ttl_s)
        self._life_s = min(spec.ttl_s, spec.stale_for_s)  # until a new entry can't be served
        self._error_ttl_s = spec.error_ttl_s
        self._expiry: Expiry[Entry] = Expiry(ctx.env, self._due)
        self._revalidator = Revalidator(ctx.env, next_call, self.inflight, self.counters,
                                        self._store, self._revalidation_failed)
        self._early = (BlockSampler(lambda rng, n: rng.exponential(1.0, n), ctx.generator("xfetch"))
                       if spec.xfetch_beta is not None else None)
        self.next_start: Start | None = getattr(next_call, "start", None)
        """The call below by callbacks (a bare backend's start), if it has one."""
        self._late: TimelineCall | None = next_call if (  # type: ignore[assignment]
            getattr(next_call, "ends_later", False) and spec.ttl_s == math.inf
            and spec.fresh_for_s == math.inf and spec.error_ttl_s <= 0
            and not spec.coalesce) else None
        """A bare backend on a timeline whose answers never change, below a cache whose
        entries live until evicted: a miss nobody else waits for ends without an event,
        stored when someone next looks (sim/direct.py, ``start_late``). Why only then:
        nothing but a lookup, a store or a gauge read sees the cache (no expiry timer, no
        revalidation, no early refresh), and each of those catches up first."""

    def call(self, request: Request) -> Generator[Event, Any, Outcome]:
        served = self._served(request)
        if served is not None:
            return served
        key = request.key
        now = self.env._now
        self.counters["misses"] += 1
        flight = None
        if self._coalesce:
            flight = self.inflight.get(key)
            if flight is not None:
                self.counters["coalesced"] += 1
                shared: Outcome = yield flight.join(self.env)
                return coalesced(shared)
            flight = self.inflight[key] = Flight()
        outcome = yield from self.next(request)
        self._store(key, outcome, now)
        if flight is not None:
            if self.inflight.get(key) is flight:
                del self.inflight[key]
            flight.land(outcome)
        return outcome

    @property
    def startable(self) -> bool:
        """Whether :meth:`start` may run this cache's requests."""
        return self.next_start is not None and not self._coalesce

    def start(self, driver: Any, request: Request, then: Then | None) -> None:
        """``call`` by callbacks, for a cache without coalescing right over a bare backend
        (``next_start``: the backend's start, sim/direct.py): a hit is answered at once,
        a miss goes down with ``then`` storing its answer when it comes. The same draws,
        events and outcomes as ``call``; what it saves is the two generators of a miss."""
        served = self._served(request)
        if served is not None:
            driver.answered(request, served, then)
            return
        self.counters["misses"] += 1
        if then is None and self._late is not None:
            self._late.start_late(driver, request, self._store_at)
            return
        assert self.next_start is not None and not self._coalesce
        self.next_start(driver, request, partial(self._fetched, request.key, self.env._now,
                                                  then))

    def _fetched(self, key: int, start: float, then: Then | None, request: Request,
                 outcome: Outcome) -> None:
        self._store(key, outcome, start)
        if then is not None:
            then(request, outcome)

    def _served(self, request: Request) -> Outcome | None:
        """A hit's outcome (fresh, negative or stale), or None: a miss."""
        if self._late is not None:
            self._late.catch_up()
        key = request.key
        now = self.env._now
        entry = self.entries.get(key)
        if entry is not None:
            if now >= entry.expires:
                self._remove(key, now)
            elif now < entry.fresh_until:
                if self._early is None or not self._refresh_early(key, entry, now):
                    touch = self.store.touch
                    if touch is not None:
                        touch(key)
                    if self._slide_s is not None:
                        entry.expires = now + self._slide_s
                    hit = entry.hit
                    if hit is None:
                        hit = entry.hit = Outcome(entry.status, FRESH_HIT, entry.version, 0)
                    self.counters[_HIT_COUNTER[hit.status == OK]] += 1
                    return hit
            elif now < entry.stale_until or key in self.inflight:
                return self._stale_hit(request, key, entry, now)
            else:
                self._remove(key, now)
        return None

    def _refresh_early(self, key: int, entry: Entry, now: float) -> bool:
        """XFetch: should this fresh hit refresh the entry itself, ahead of its expiry?"""
        assert self._early is not None and self.spec.xfetch_beta is not None
        if entry.status != Status.OK or (self.spec.coalesce and key in self.inflight):
            return False
        gap = entry.fetch_s * self.spec.xfetch_beta * self._early()
        if now + gap >= entry.fresh_until:
            self.counters["early_refreshes"] += 1
            return True
        return False

    def _stale_hit(self, request: Request, key: int, entry: Entry, now: float) -> Outcome:
        touch = self.store.touch
        if touch is not None:
            touch(key)
        if self._slide_s is not None:
            entry.expires = now + self._slide_s
        self.counters["stale_hits"] += 1
        self._revalidator.start(request)
        return Outcome(Status.OK, Source.STALE_HIT, entry.version, 0)

    def _revalidation_failed(self, key: int) -> None:
        """The stale entry stays for the next stale hit to retry, unless it was kept only
        because it was being revalidated."""
        entry = self.entries.get(key)
        if entry is not None and entry.dies_at <= self.env._now:
            self._remove(key, self.env._now)

    def _store(self, key: int, outcome: Outcome, start: float) -> None:
        """Keep a successful answer; remember a failure only with negative caching, and
        never over a live good entry."""
        if self._late is not None:
            self._late.catch_up()
        self._store_at(key, outcome, start, self.env._now)

    def _store_at(self, key: int, outcome: Outcome, start: float, now: float) -> None:
        """:meth:`_store` of an answer that came ``now`` (a late store: before the clock)."""
        entries = self.entries
        if outcome.status == OK:
            life_s = self._life_s
            if life_s <= 0:  # dead on arrival: keep nothing, and drop what it would replace
                if key in entries:
                    self._remove(key, now)
                return
            entry = Entry(OK, outcome.version, now + self._fresh_for_s,
                          now + self._stale_for_s, now + self._ttl_s, now - start)
        elif self._error_ttl_s > 0 and outcome.status != Status.FALLBACK:
            current = entries.get(key)
            if current is not None and current.status == Status.OK and now < current.expires:
                return
            life_s = self._error_ttl_s
            until = now + life_s
            entry = Entry(outcome.status, -1, until, until, until, now - start)
        else:
            return
        new = key not in entries
        if self.store.put(key, entry):
            self.counters["evictions"] += 1
        elif new:
            self.size.set(now, self.size.value + 1)
        if life_s < math.inf:
            self._expiry.schedule(now + life_s, key, entry)

    def _due(self, key: int, entry: Entry) -> float | None:
        """The expiry timer reached ``entry``: remove it, unless it moved on or lives longer.

        An entry a sliding ttl kept alive is due again later; one being revalidated stays
        (the revalidation replaces it, or removes it if it fails).
        """
        if self.entries.get(key) is not entry or key in self.inflight:
            return None
        now = self.env._now
        if entry.dies_at > now:
            return entry.dies_at
        self._remove(key, now)
        self.counters["expirations"] += 1
        return None

    def _remove(self, key: int, now: float) -> None:
        self.store.remove(key)
        self.size.set(now, self.size.value - 1)
