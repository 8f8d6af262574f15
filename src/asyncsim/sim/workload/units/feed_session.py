"""Reading sessions through a changing feed, page by page: what pagination shows and costs.

A session loads page 1, reads it (``read_time``), then needs page 2, and so on for
``pages`` pages. Each page is one request through the strategy's layer stack to the feed's
backend; its content is the feed as it stands when the answer arrives. The strategy's
:class:`PaginationSpec` says how:

- ``offset``: page j is ``OFFSET (j-1)*k LIMIT k``: items inserted at the head meanwhile
  push seen items down into the next page (duplicates) and deletions above the reader
  pull unseen items up past it (skipped items). The backend scans the rows it skips, so
  with ``offset_cost`` an offset page costs ``offset * offset_cost`` more service time;
- ``cursor`` (keyset): page j is ``WHERE id < last_seen_id LIMIT k``: no duplicates, no
  skips, constant cost; items inserted during the walk are simply not seen;
- ``prefetch_within`` (infinite scroll): the next page is requested when the reader gets
  within that many items of the end of the list, not when they reach it;
- ``refetch`` when the tab regains focus (probability ``refocus`` per page read): ``all``
  refetches every loaded page in order from the first, recomputing cursors (TanStack
  Query infinite queries); ``first`` refetches the first page, then only pages whose
  cursor changed (SWR ``useSWRInfinite`` with ``revalidateFirstPage``; offset page keys
  never change, so only page 1 is refetched).

A refetch happens at the bottom of the page being read and the next page waits for it
(one fetch at a time per list): its cost shows in the wait at the bottom. A next page
already asked for by infinite scroll is dropped and asked again after the refetch, from
the refetched last page (a refetch cancels the query's other fetch, as TanStack's
``cancelRefetch`` does, and SWR's next-page key moves with the first page). What the reader
ends up with is judged at the end of the session on the final list of loaded pages:
``duplicates`` = items shown more than once; ``skipped`` = items still in the feed, older
than the head of page 1 and newer than the oldest item shown, that were never shown.

Limitation: a page's content is the feed when the answer arrives, whatever answered. A
cache layer in front of the feed saves the backend call and its latency, but the page it
serves is not the one it cached: the model keeps versions, not page contents.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass
from itertools import chain
from typing import Any, ClassVar, Literal

import numpy as np
from simpy.events import Event, Process, Timeout

from asyncsim.sim.distributions import Distribution
from asyncsim.sim.engine import BlockSampler
from asyncsim.sim.outcome import Status
from asyncsim.sim.request import Request
from asyncsim.sim.workload.context import WorkloadContext
from asyncsim.sim.workload.feed import Feed, FeedSpec
from asyncsim.sim.workload.load.models import (
    ClosedLoad,
    LoadModel,
    OpenLoad,
    TraceLoad,
    start_load,
)
from asyncsim.sim.workload.logs.columns import PageReadLog, SessionLog

Refetch = Literal["none", "all", "first"]


@dataclass(frozen=True)
class PaginationSpec:
    """A strategy's pagination: ``kind`` offset or cursor; see the module docstring."""

    kind: Literal["offset", "cursor"] = "offset"
    prefetch_within: int | None = None
    refetch: Refetch = "none"


@dataclass(frozen=True)
class FeedSession:
    """A reader loads a feed page by page, reading each (see the module docstring)."""

    target: str
    feed: FeedSpec
    page_size: int
    pages: int
    read_time: Distribution
    refocus: float = 0.0
    offset_cost_s: float = 0.0
    LOADS: ClassVar[tuple[type, ...]] = (OpenLoad, ClosedLoad, TraceLoad)

    def __post_init__(self) -> None:
        if self.page_size < 1 or self.pages < 1:
            raise ValueError("page_size and pages must be at least 1")

    @property
    def targets(self) -> tuple[str, ...]:
        return (self.target,)

    def start(self, ctx: WorkloadContext, load: LoadModel) -> None:
        assert isinstance(load, OpenLoad | ClosedLoad | TraceLoad)
        strategy = ctx.behaviour(PaginationSpec) or PaginationSpec()
        reader = _Reader(ctx, self, strategy)
        ctx.logs.add(reader.reads)
        ctx.logs.add(reader.sessions)
        start_load(ctx, load, reader.session)


class _Reader:
    """Runs reading sessions over one shared feed and logs pages and sessions."""

    def __init__(self, ctx: WorkloadContext, workload: FeedSession,
                 strategy: PaginationSpec) -> None:
        self.env = ctx.env
        self.driver = ctx.driver
        self.call = ctx.call_for(workload.target)
        self.workload = workload
        self.strategy = strategy
        self.k = workload.page_size
        self.feed = Feed(workload.feed, ctx.streams)
        self.read_time = BlockSampler(workload.read_time.draw,
                                      ctx.streams.generator("workload:read-time"))
        self.refocused = BlockSampler(lambda g, n: g.random(n),
                                      ctx.streams.generator("workload:refocus"))
        self.reads = PageReadLog()
        self.sessions = SessionLog(workload.pages)

    def session(self, client: int) -> Event:
        return Process(self.env, self._session(client))

    def _session(self, client: int) -> Generator[Event, Any, None]:
        env, driver = self.env, self.driver
        driver.hold()
        t_start = env._now
        loaded: list[list[int]] = []
        requests = 0
        ahead: Process | None = None
        bottom_at = math.nan
        pages = self.workload.pages
        within = self.strategy.prefetch_within
        for depth in range(1, pages + 1):
            if ahead is None:
                page, row = yield from self._fetch(client, depth, loaded, refetch=False)
            else:
                page, row = yield ahead
                ahead = None
            requests += 1
            self.reads.arrays["wait_s"][row] = env._now - bottom_at
            loaded.append(page)
            if depth == pages:
                break
            reading = self.read_time()
            if within is not None:
                lead = reading * min(1.0, within / self.k)
                yield Timeout(env, reading - lead)
                ahead = Process(env, self._fetch(client, depth + 1, loaded, refetch=False))
                yield Timeout(env, lead)
            else:
                yield Timeout(env, reading)
            bottom_at = env._now
            if self.strategy.refetch != "none" and self.refocused() < self.workload.refocus:
                if ahead is not None:
                    requests += 1  # asked after the old last page: stale once pages move
                    ahead = None
                requests += yield from self._refetch(client, loaded)
        self._record_session(t_start, client, loaded, requests)
        driver.release()

    def _fetch(self, client: int, depth: int, before: list[list[int]],
               refetch: bool) -> Generator[Event, Any, tuple[list[int], int]]:
        """Load page ``depth`` after the pages ``before`` it; returns it and its log row."""
        env, k = self.env, self.k
        if self.strategy.kind == "offset":
            offset = (depth - 1) * k
            cursor = None
            request = Request(self.driver.take_id(), depth - 1, client, env._now,
                              self.workload.target, work_s=offset * self.workload.offset_cost_s)
        else:
            offset = 0
            cursor = _cursor_after(before[: depth - 1])
            request = Request(self.driver.take_id(), 0 if cursor is None else cursor + 1, client,
                              env._now, self.workload.target)
        outcome = yield from self.driver.run(self.call, request)
        page: list[int] = []
        if outcome.status == Status.OK:
            self.feed.advance(env._now)
            page = (self.feed.page_at_offset(offset, k) if self.strategy.kind == "offset"
                    else self.feed.page_before(cursor, k))
        row = self.reads.add(request.t_start, depth, env._now - request.t_start, math.nan,
                             refetch, outcome.status == Status.OK)
        return page, row

    def _refetch(self, client: int, loaded: list[list[int]]) -> Generator[Event, Any, int]:
        """Refetch loaded pages in place, in order from the first; returns requests made."""
        before = list(loaded)
        made = 0
        for index in range(len(loaded)):
            if index > 0 and self.strategy.refetch == "first" and (
                    self.strategy.kind == "offset"
                    or _cursor_after(loaded[:index]) == _cursor_after(before[:index])):
                break
            page, row = yield from self._fetch(client, index + 1, loaded, refetch=True)
            if self.reads.arrays["ok"][row]:
                loaded[index] = page  # a failed refetch keeps the data shown
            made += 1
        return made

    def _record_session(self, t_start: float, client: int, loaded: list[list[int]],
                        requests: int) -> None:
        shown = np.fromiter(chain.from_iterable(loaded), dtype=np.int64)
        distinct = np.unique(shown)
        skipped = 0
        if len(distinct):
            feed = self.feed
            feed.advance(self.env._now)
            high = next(page[0] for page in loaded if page)
            low = int(distinct[0])
            in_range = distinct[(distinct > low) & (distinct <= high)]
            still_shown = int(feed.alive_among(in_range).sum())
            skipped = feed.count_between(low, high) - still_shown
        self.sessions.add(t_start, client, len(loaded), requests, len(shown),
                          len(shown) - len(distinct), skipped)
        self._record_by_page(loaded, distinct)

    def _record_by_page(self, loaded: list[list[int]], shown_ids: np.ndarray) -> None:
        """Duplicates and skips attributed to the page that showed or passed them.

        Page d's duplicates are its items an earlier page showed. Its skips are the live,
        never-shown items between the deepest id reached before it and the deepest after
        it (the top of the list for page 1): the telescoping sum over pages is the
        session's ``skipped`` range, ``(lowest shown, first item of the list]``.
        """
        sessions, feed = self.sessions, self.feed
        seen: set[int] = set()
        deepest = next((page[0] for page in loaded if page), None)
        for depth, page in enumerate(loaded):
            sessions.duplicates_by_page[depth].append(sum(1 for item in page if item in seen))
            seen.update(page)
            skipped = 0
            if page and deepest is not None:
                low = min(deepest, min(page))
                if low < deepest:
                    gap = shown_ids[(shown_ids > low) & (shown_ids <= deepest)]
                    skipped = (feed.count_between(low, deepest)
                               - int(feed.alive_among(gap).sum()))
                deepest = low
            sessions.skipped_by_page[depth].append(skipped)


def _cursor_after(pages: list[list[int]]) -> int | None:
    """The id the next page starts below: the last item shown, None for the head."""
    for page in reversed(pages):
        if page:
            return page[-1]
    return None
