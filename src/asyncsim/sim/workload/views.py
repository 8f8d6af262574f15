"""The state of live clients: users, the views they keep open, and the query behind them.

A *user* is one browser tab (visible or hidden, online or offline) with one or more *views*
(panels), each showing a key. Views of a user that show the same key share one *query*, as
they share one entry in a TanStack QueryClient or the SWR cache: one fetch in flight at a
time (anyone who asks meanwhile joins it), one error state, one displayed value.

Every fetch goes down the strategy's layer stack through the request driver, so caches,
dedup and retries apply and each fetch is one row of the request log. A stale-serving cache
there answers a refetch with what it holds (and refreshes in the background, for the next
fetch to see), as a CDN would; a library's refetch skips its cache, which is why the live
presets pair with ``dedup`` rather than with a ``cache``. An answer updates the
display unless a newer fetch replaced the one it belongs to, or the optimistic-update
overlay says to discard it (see sim/workload/mutations.py).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Protocol

import simpy

from asyncsim.sim.data import DataModel
from asyncsim.sim.driver import RequestDriver
from asyncsim.sim.layers.base import Call
from asyncsim.sim.layers.dedup import Flight
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.request import Request
from asyncsim.sim.workload.display import Display
from asyncsim.sim.workload.logs.live import StaleTime


class Overlay(Protocol):
    """Changes a user made to a query that the server has not settled or confirmed yet."""

    def accepts(self, query: Query, fetch_started_s: float) -> bool:
        """Whether a fetch answer (started at ``fetch_started_s``) may be shown now."""

    def replaced(self, query: Query, version: int) -> None:
        """A server value (``version``) was just shown over whatever changes were shown."""


class Fetcher:
    """What every query of a run shares: the clock, the driver and the strategy's stack."""

    def __init__(self, env: simpy.Environment, driver: RequestDriver, call: Call,
                 target: str, data: DataModel) -> None:
        self.env = env
        self.driver = driver
        self.call = call
        self.target = target
        self.data = data
        self.counters: Counter[str] = Counter()
        self.measuring = False
        self.stale_time: StaleTime | None = None
        """Where displays add their visible and stale time by time bin."""


class LiveUser:
    """One tab: its visibility, its network, its views and their queries (by key)."""

    __slots__ = ("client", "online", "online_s", "queries", "since", "views", "visible",
                 "visible_s")

    def __init__(self, client: int, visible: bool, online: bool) -> None:
        self.client = client
        self.visible = visible
        self.online = online
        self.views: list[View] = []
        self.queries: dict[int, Query] = {}
        self.since = 0.0
        self.visible_s = 0.0
        self.online_s = 0.0

    def account(self, now: float) -> None:
        """Add the time since the last switch to the visible and online totals."""
        span = now - self.since
        self.since = now
        if self.visible:
            self.visible_s += span
        if self.online:
            self.online_s += span


class View:
    """One panel showing a key; behaviours keep their per-view state here (a polling
    timer's generation, the next time SWR's focus throttle allows a revalidation)."""

    __slots__ = ("focus_next_s", "index", "poll_generation", "query", "user")

    def __init__(self, user: LiveUser, index: int, query: Query) -> None:
        self.user = user
        self.index = index
        self.query = query
        self.poll_generation = 0
        self.focus_next_s = -math.inf


class Query:
    """One user's data for one key."""

    __slots__ = ("abandoned", "data_at", "display", "error", "fetcher", "flight",
                 "flight_request", "key", "overlay", "pushes", "user")

    def __init__(self, fetcher: Fetcher, user: LiveUser, key: int, now: float) -> None:
        self.fetcher = fetcher
        self.user = user
        self.key = key
        self.display = Display(fetcher.data, key, now, user.visible, fetcher.stale_time)
        if fetcher.measuring:
            self.display.start_window(now)
        self.flight: Flight | None = None
        self.flight_request = -1
        self.abandoned: list[tuple[int, Flight]] = []
        self.error = False
        self.data_at = -math.inf
        self.overlay: Overlay | None = None
        self.pushes = 0

    def fetch(self, fresh: bool = False) -> Flight | None:
        """Fetch the key, or join the fetch in flight; returns what to wait on (None when
        there is nothing to wait for: answered at once, or not sent because offline).

        ``fresh`` abandons a fetch in flight and starts a new one (a refetch after a
        mutation): the abandoned one's answer is then never shown.
        """
        fetcher = self.fetcher
        if self.flight is not None:
            if not fresh:
                fetcher.counters["joined"] += 1
                return self.flight
            self.detach()
        if not self.user.online:
            fetcher.counters["skipped_offline"] += 1
            return None
        flight = self.flight = Flight()
        driver = fetcher.driver
        request = driver.new_request(self.key, self.user.client, fetcher.target)
        self.flight_request = request.id
        fetcher.counters["fetches"] += 1
        driver.start(fetcher.call, request, self._answered)
        return flight if self.flight is flight else None

    def detach(self) -> None:
        """Abandon the fetch in flight: its answer will not be shown (TanStack's
        cancelQueries, SWR dropping an older request's answer); whoever joined it still
        gets its outcome."""
        if self.flight is not None:
            self.abandoned.append((self.flight_request, self.flight))
            self.flight = None

    def _answered(self, request: Request, outcome: Outcome) -> None:
        flight = self.flight
        if flight is None or request.id != self.flight_request:
            for index, (request_id, old) in enumerate(self.abandoned):
                if request_id == request.id:
                    del self.abandoned[index]
                    self.fetcher.counters["discarded"] += 1
                    old.land(outcome)
                    break
            return
        self.flight = None
        now = self.fetcher.env._now
        if outcome.status == Status.OK:
            self.error = False
            if self.overlay is None or self.overlay.accepts(self, request.t_start):
                self.data_at = now
                self.show_server(now, outcome.version)
            else:
                self.fetcher.counters["discarded"] += 1
        else:
            self.error = True
        flight.land(outcome)

    def show_server(self, now: float, version: int, got_at: float | None = None) -> None:
        """Show a value from the server (a fetch answer, a push, a restored snapshot
        obtained at ``got_at``) over anything shown."""
        self.display.show(now, version, got_at)
        if self.overlay is not None:
            self.overlay.replaced(self, version)
