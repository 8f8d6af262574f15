"""Live views: users keep views of keys open for the whole run and the strategy keeps them
fresh (polling, focus revalidation, push), while users may change what they see.

Each user opens its tab at a uniform random time during the warm-up (at 0 without one) and
keeps it: its views mount, each fetches its key, and the strategy's client behaviours take
over. What happens to the tab (shown, hidden, offline) and what users do (changes) depends
only on the workload's streams, so every strategy of a replication faces the same users.

What the run reports goes to ``ctx.logs`` (logs/live.py): a ``DisplayLog`` (one row per
displayed key: the exact integrals of how outdated it was while visible), a ``UserLog``, a
``SwitchLog``, a ``ChangeLog`` (with mutations) and the ``LiveCounters``.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar, Literal, Protocol

from simpy.events import Event, Process, Timeout

from asyncsim.sim.record import SERIES_BINS
from asyncsim.sim.workload.context import WorkloadContext
from asyncsim.sim.workload.focus import FocusRevalidation, FocusSpec
from asyncsim.sim.workload.keys import KeySampler, KeySpec
from asyncsim.sim.workload.load.models import LoadModel, Resident
from asyncsim.sim.workload.logs.live import (
    DisplayLog,
    LiveCounters,
    StaleTime,
    SwitchLog,
    UserLog,
)
from asyncsim.sim.workload.mutations import MutationModeSpec, Mutations, MutationsSpec
from asyncsim.sim.workload.polling import Polling, PollingSpec
from asyncsim.sim.workload.push import Push, PushSpec
from asyncsim.sim.workload.views import Fetcher, LiveUser, Query, View
from asyncsim.sim.workload.visibility import AlternatingSpec, Alternation

KeyAssignment = Literal["random", "round_robin"]


class Behaviour(Protocol):
    """A client behaviour's runtime: it hears mounts, tab switches and network switches."""

    def mount(self, view: View) -> None: ...

    def on_visibility(self, user: LiveUser, visible: bool) -> None: ...

    def on_network(self, user: LiveUser, online: bool) -> None: ...


@dataclass(frozen=True)
class LiveView:
    """Each resident user keeps a tab with ``views`` views; keys drawn from ``keys`` (``random``) or
    dealt in turn, view ``j`` of user ``u`` getting key ``(u·views + j) mod count``
    (``round_robin``: every view its own key when there are enough keys)."""

    target: str
    keys: KeySpec = field(default_factory=KeySpec)
    views: int = 1
    key_assignment: KeyAssignment = "random"
    visibility: AlternatingSpec | None = None
    network: AlternatingSpec | None = None
    mutations: MutationsSpec | None = None
    LOADS: ClassVar[tuple[type, ...]] = (Resident,)

    @property
    def targets(self) -> tuple[str, ...]:
        if self.mutations is not None and self.mutations.target != self.target:
            return (self.target, self.mutations.target)
        return (self.target,)

    def start(self, ctx: WorkloadContext, load: LoadModel) -> None:
        assert isinstance(load, Resident)
        LiveRun(self, ctx, load.users)


class LiveRun:
    """The runtime of one live workload in one run."""

    def __init__(self, spec: LiveView, ctx: WorkloadContext, users: int) -> None:
        self.spec = spec
        self.user_count = users
        self.ctx = ctx
        env = self.env = ctx.env
        end_s = ctx.duration_s
        fetcher = self.fetcher = Fetcher(env, ctx.driver, ctx.call_for(spec.target),
                                         spec.target, ctx.data[spec.target])
        behaviours: list[Behaviour] = []
        polling = ctx.behaviour(PollingSpec)
        if polling is not None:
            behaviours.append(Polling(polling, env, fetcher, end_s))
        focus = ctx.behaviour(FocusSpec)
        if focus is not None:
            behaviours.append(FocusRevalidation(focus, fetcher))
        push = ctx.behaviour(PushSpec)
        if push is not None:
            behaviours.append(Push(push, env, fetcher, ctx.streams, end_s))
        self.behaviours = behaviours
        self.mutations = None
        if spec.mutations is not None:
            mode = ctx.behaviour(MutationModeSpec) or MutationModeSpec()
            self.mutations = Mutations(spec.mutations, mode, env, fetcher,
                                       ctx.backend_call(spec.mutations.target),
                                       ctx.streams.generator("workload:mutations"), end_s)
            ctx.logs.add(self.mutations.log)
        self.displays = DisplayLog()
        fetcher.stale_time = ctx.logs.add(StaleTime(ctx.duration_s, SERIES_BINS))
        self.user_log = UserLog()
        self.switches = SwitchLog()
        ctx.logs.add(self.displays)
        ctx.logs.add(self.user_log)
        ctx.logs.add(self.switches)
        self.users = self._make_users()
        self._start_processes()
        ctx.at_window_end.append(self._end_window)
        if self.mutations is not None:
            ctx.at_run_end.append(self._end_run)

    def _make_users(self) -> list[LiveUser]:
        streams, end_s = self.ctx.streams, self.ctx.duration_s
        self.tabs = (Alternation(self.env, self.spec.visibility,
                                 streams.generator("workload:visibility"), end_s)
                     if self.spec.visibility is not None else None)
        self.network = (Alternation(self.env, self.spec.network,
                                    streams.generator("workload:network"), end_s)
                        if self.spec.network is not None else None)
        return [LiveUser(client, self.tabs.first_state() if self.tabs else True,
                         self.network.first_state() if self.network else True)
                for client in range(self.user_count)]

    def _start_processes(self) -> None:
        env, ctx = self.env, self.ctx
        keys = self._assign_keys()
        mounts = ctx.streams.generator("workload:mounts").uniform(0.0, ctx.warmup_s,
                                                                  self.user_count)
        for user in self.users:
            if self.tabs is not None:
                Process(env, self.tabs.run(user.visible, partial(self._on_visibility, user)))
            if self.network is not None:
                Process(env, self.network.run(user.online, partial(self._on_network, user)))
            Process(env, self._mount(user, float(mounts[user.client]), keys[user.client]))
        if ctx.warmup_s > 0:
            Process(env, self._start_window_later())
        else:
            self._start_window()

    def _assign_keys(self) -> list[list[int]]:
        spec = self.spec
        if spec.key_assignment == "round_robin":
            count = spec.keys.count
            return [[(user * spec.views + j) % count for j in range(spec.views)]
                    for user in range(self.user_count)]
        sample = KeySampler(spec.keys, self.ctx.streams.generator("workload:keys"))
        return [[sample() for _ in range(spec.views)] for _ in range(self.user_count)]

    def _mount(self, user: LiveUser, at_s: float,
               keys: list[int]) -> Generator[Event, Any, None]:
        if at_s > 0:
            yield Timeout(self.env, at_s)
        now = self.env._now
        for index, key in enumerate(keys):
            query = user.queries.get(key)
            if query is None:
                query = user.queries[key] = Query(self.fetcher, user, key, now)
            user.views.append(View(user, index, query))
        if self.mutations is not None:
            self.mutations.start_user(user)
        for view in user.views:
            for behaviour in self.behaviours:
                behaviour.mount(view)
            view.query.fetch()

    def _on_visibility(self, user: LiveUser, now: float, visible: bool) -> None:
        user.account(now)
        user.visible = visible
        self.switches.add(now, user.client, False, visible)
        for query in user.queries.values():
            query.display.set_visible(now, visible)
        for behaviour in self.behaviours:
            behaviour.on_visibility(user, visible)

    def _on_network(self, user: LiveUser, now: float, online: bool) -> None:
        user.account(now)
        user.online = online
        self.switches.add(now, user.client, True, online)
        for behaviour in self.behaviours:
            behaviour.on_network(user, online)

    def _start_window_later(self) -> Generator[Event, Any, None]:
        yield Timeout(self.env, self.ctx.warmup_s)
        self._start_window()

    def _start_window(self) -> None:
        now = self.env._now
        self.fetcher.measuring = True
        self.fetcher.counters.clear()
        for user in self.users:
            user.account(now)
            user.visible_s = user.online_s = 0.0
            for query in user.queries.values():
                query.display.start_window(now)
                query.pushes = 0

    def _end_run(self, now: float) -> None:
        if self.mutations is not None:
            self.mutations.flush()

    def _end_window(self, now: float) -> None:
        self.fetcher.measuring = False
        self.ctx.logs.add(LiveCounters(self.fetcher.counters))
        for user in self.users:
            user.account(now)
            self.user_log.add(user.client, user.visible_s, user.online_s)
            for query in user.queries.values():
                display = query.display
                versions = display.end_window(now)
                self.displays.add(user.client, query.key, display.visible_s, display.stale_s,
                                  display.stale_age_area, display.age_area,
                                  display.behind_area, versions, display.versions_seen,
                                  query.pushes)
