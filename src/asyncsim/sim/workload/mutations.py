"""Mutations: users change the data they look at, pessimistically or optimistically.

The workload (:class:`MutationsSpec`) says what users do: each user makes changes at
``rate_per_s`` of the time its tab is visible and online, each to the key of one of its
views (a todo list), written to the ``target`` backend: its service time is the server's
write latency and its error rate the write failure rate. A write that succeeds commits a
new version of the key when the server answers. Writes go straight to the backend, past the
strategy's layers: a cache or dedup layer must never answer a write.

Conflicts: a change is made to the version the user knows (what it shows, or its own last
commit). If someone else changed the key since (another user, or a background change),
``conflicts: reject`` fails the write (HTTP 409) and ``last_write_wins`` commits it anyway,
overwriting the others' changes unseen: each overwritten change is a *lost update*.

The strategy (:class:`MutationModeSpec`) says how the client applies a change:

- ``pessimistic``: nothing shows until the server answers; then the answer is shown
  (``populate``), or the refetch after it (``refetch_after``) shows it.
- ``optimistic_rollback``: the change shows at once, unconfirmed; on success the server's
  answer is shown (``populate``), on failure the snapshot taken before it is restored.
- ``optimistic_refetch``: the change shows at once and stays until the refetch after the
  write settled shows the server's value (which has it, or not).

Races: a fetch answer that arrives while a change is shown replaces it (TanStack's and
SWR's caches hold one value): if the answer does not contain the change, the change
*flickers* away (and comes back when the write's answer or a later fetch brings it).
``race_guard: cancel`` abandons the fetch in flight when a change is made (TanStack's
``cancelQueries``); ``discard`` drops every fetch answer that overlaps a pending change
(SWR: "a revalidation that overlaps a local mutate() is discarded").
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import simpy
from simpy.events import Event, Process, Timeout

from asyncsim.sim.data_writes import WritableData
from asyncsim.sim.engine import BlockSampler
from asyncsim.sim.layers.base import Call
from asyncsim.sim.outcome import Status
from asyncsim.sim.request import Request
from asyncsim.sim.workload.logs.live import ChangeLog
from asyncsim.sim.workload.views import Fetcher, LiveUser, Query

Conflicts = Literal["last_write_wins", "reject"]
MutationMode = Literal["pessimistic", "optimistic_rollback", "optimistic_refetch"]
RaceGuard = Literal["none", "cancel", "discard"]


@dataclass(frozen=True)
class MutationsSpec:
    rate_per_s: float
    target: str
    conflicts: Conflicts = "last_write_wins"

    def __post_init__(self) -> None:
        if not self.rate_per_s > 0:
            raise ValueError(f"the change rate must be positive, got {self.rate_per_s!r}")


@dataclass(frozen=True)
class MutationModeSpec:
    mode: MutationMode = "pessimistic"
    populate: bool = True
    refetch_after: bool = False
    race_guard: RaceGuard = "none"

    @property
    def optimistic(self) -> bool:
        return self.mode != "pessimistic"


class Change:
    """One change a user made, from the action until its outcome is known and shown."""

    __slots__ = ("base", "conflict", "flickers", "lost", "new_version", "ok", "optimistic",
                 "own_at_start", "perceived_s", "rolled_back", "settled", "shown",
                 "shown_since", "snapshot", "t_start", "unconfirmed_s", "write_s")

    def __init__(self, t_start: float, base: int, own_at_start: int, optimistic: bool,
                 snapshot: tuple[int, float]) -> None:
        self.t_start = t_start
        self.base = base
        self.own_at_start = own_at_start
        self.optimistic = optimistic
        self.snapshot = snapshot
        self.shown = optimistic
        self.shown_since = t_start
        self.unconfirmed_s = 0.0
        self.perceived_s = 0.0 if optimistic else float("nan")
        self.settled = False
        self.ok = False
        self.conflict = False
        self.lost = 0
        self.new_version = -1
        self.write_s = float("nan")
        self.rolled_back = False
        self.flickers = 0

    def hide(self, now: float) -> None:
        self.unconfirmed_s += now - self.shown_since
        self.shown = False


class Pending:
    """The changes of one query that are not settled, or settled but still to be shown
    or confirmed: the query's :class:`asyncsim.sim.workload.views.Overlay`."""

    __slots__ = ("changes", "last_own_version", "last_settle_s", "mutations", "own_commits")

    def __init__(self, mutations: Mutations) -> None:
        self.mutations = mutations
        self.changes: list[Change] = []
        self.own_commits = 0
        self.last_own_version = -1
        self.last_settle_s = -float("inf")

    def accepts(self, query: Query, fetch_started_s: float) -> bool:
        if self.mutations.mode.race_guard != "discard":
            return True
        if any(not change.settled for change in self.changes):
            return False
        return not self.last_settle_s > fetch_started_s

    def replaced(self, query: Query, version: int) -> None:
        now = query.fetcher.env._now
        for change in list(self.changes):
            if change.shown:
                change.hide(now)
                if not change.settled or (change.ok and version < change.new_version):
                    change.flickers += 1
            if (change.settled and change.ok and math.isnan(change.perceived_s)
                    and version >= change.new_version):
                change.perceived_s = now - change.t_start
            self.mutations.finish_if_done(query, change)


class Mutations:
    """Every user's changes in a run: their timing, writes, display effects and log."""

    def __init__(self, spec: MutationsSpec, mode: MutationModeSpec, env: simpy.Environment,
                 fetcher: Fetcher, write_call: Call, rng: np.random.Generator,
                 end_s: float) -> None:
        if not isinstance(fetcher.data, WritableData):
            raise TypeError("mutations need the target's data built as WritableSpec")
        self.spec = spec
        self.mode = mode
        self.env = env
        self.fetcher = fetcher
        self.data: WritableData = fetcher.data
        self.write_call = write_call
        self.end_s = end_s
        self.gaps = BlockSampler(lambda g, n: g.exponential(1.0 / spec.rate_per_s, n), rng)
        self.choices = BlockSampler(lambda g, n: g.random(n), rng)
        self.log = ChangeLog()
        self.queries: list[Query] = []

    def start_user(self, user: LiveUser) -> None:
        for query in user.queries.values():
            query.overlay = Pending(self)
            self.queries.append(query)
        Process(self.env, self._actions(user))

    def _actions(self, user: LiveUser) -> Generator[Event, Any, None]:
        """Poisson actions, thinned to the time the user's tab is visible and online."""
        env = self.env
        while True:
            gap = self.gaps()
            if env._now + gap >= self.end_s:
                return
            yield Timeout(env, gap)
            view = user.views[min(int(self.choices() * len(user.views)), len(user.views) - 1)]
            if user.visible and user.online and view.query.display.version >= 0:
                self.act(view.query)

    def act(self, query: Query) -> Change:
        """The user changes ``query``'s key now."""
        now = self.env._now
        pending = query.overlay
        assert isinstance(pending, Pending)
        display = query.display
        if self.mode.race_guard == "cancel":
            query.detach()
        change = Change(now, max(display.version, pending.last_own_version),
                        pending.own_commits, self.mode.optimistic,
                        (display.version, display.got_at))
        pending.changes.append(change)
        self.fetcher.counters["changes"] += 1
        self.fetcher.driver.hold()
        Process(self.env, self._write(query, pending, change))
        return change

    def _write(self, query: Query, pending: Pending,
               change: Change) -> Generator[Event, Any, None]:
        env = self.env
        request = Request(-1, query.key, query.user.client, env._now, self.spec.target)
        outcome = yield from self.write_call(request)
        now = env._now
        change.write_s = now - change.t_start
        if outcome.status == Status.OK:
            current = self.data.version(query.key, now)
            if self.spec.conflicts == "reject":
                # changed by someone else since the version the change was made to
                others = current - change.base - (pending.own_commits - change.own_at_start)
            else:
                # others' changes this write overwrites: those since the user's version or
                # its latest commit (an earlier commit of its own overwrote the rest)
                others = current - max(change.base, pending.last_own_version)
            if others > 0 and self.spec.conflicts == "reject":
                change.conflict = True
            else:
                change.ok = True
                change.lost = max(others, 0)
                change.new_version = self.data.write(query.key, now, query.user.client)
                pending.own_commits += 1
                pending.last_own_version = change.new_version
        self._settle(query, pending, change, now)
        if self.mode.refetch_after:
            flight = query.fetch(fresh=True)
            if flight is not None:
                yield flight.join(env)
        self.fetcher.driver.release()

    def _settle(self, query: Query, pending: Pending, change: Change, now: float) -> None:
        change.settled = True
        pending.last_settle_s = now
        mode = self.mode
        if change.ok:
            if mode.populate:
                query.show_server(now, change.new_version)
        elif change.optimistic:
            change.rolled_back = True
            if mode.mode == "optimistic_rollback":
                version, got_at = change.snapshot
                query.show_server(now, version, got_at)
        self.finish_if_done(query, change)

    def finish_if_done(self, query: Query, change: Change) -> None:
        """Log a change once it is settled and nothing about it is left to show."""
        pending = query.overlay
        assert isinstance(pending, Pending)
        if not change.settled or change.shown or change not in pending.changes:
            return
        if change.ok and math.isnan(change.perceived_s):
            return  # settled, not shown yet: waiting for a value that has it
        pending.changes.remove(change)
        self._log(query, change)

    def flush(self) -> None:
        """At the end of the run: log what is still open, as it stands."""
        now = self.env._now
        for query in self.queries:
            pending = query.overlay
            assert isinstance(pending, Pending)
            for change in pending.changes:
                if change.shown:
                    change.hide(now)
                self._log(query, change)
            pending.changes.clear()

    def _log(self, query: Query, change: Change) -> None:
        self.log.add(change.t_start, query.user.client, query.key, change.optimistic,
                     change.ok, change.conflict, change.lost, change.write_s,
                     change.perceived_s, change.unconfirmed_s, change.rolled_back,
                     change.flickers)
