"""Page views: a set of resources with dependencies, revealed through Suspense boundaries.

A view of a page starts the page's resources through the strategy's layer stack (so a
cache, a dedup or a retry layer applies to each of them) in one of three modes:

- ``declared``: each resource starts as soon as the resources it comes ``after`` have
  settled (SolidJS resources whose source is another resource; the fastest the
  dependencies allow);
- ``parallel``: tier by tier, ``Promise.all`` style: every resource with no dependency at
  once, then every resource whose dependencies were in that tier, and so on; a tier waits
  for the slowest resource of the tier before it;
- ``sequential``: one at a time in declaration order (``await a; await b``: the
  anti-pattern the lesson warns about).

A resource whose parent failed is never requested and counts as failed (a fallback value
counts as delivered). A Suspense
boundary shows its content once every resource read under it has settled; a resource
under no boundary suspends the page's root boundary, ``page``. The view is driven by
outcome callbacks, not by a process: a view whose resources are all cache hits costs no
SimPy event at all.

Keys: each resource has its own key space on its backend, ``base * n_resources + index``,
where the base is the viewed page (``key: page``, drawn from the workload's popularity),
the client (``key: client``: the signed-in user's settings) or 0 (``key: global``: one
config for everyone). A dependent resource's key is thereby derived from its parent's:
``posts?user=<id>`` is known once ``user`` resolved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar, Literal, cast

from simpy.events import Event

from asyncsim.sim.driver import RequestDriver
from asyncsim.sim.layers.base import Call
from asyncsim.sim.outcome import Outcome, Status
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
from asyncsim.sim.workload.logs.columns import ViewLog

Mode = Literal["parallel", "sequential", "declared"]
KeyScope = Literal["page", "client", "global"]
Boundaries = tuple[tuple[str, tuple[str, ...]], ...]
ROOT_BOUNDARY = "page"
_DELIVERED = (Status.OK, Status.FALLBACK)
"""Outcomes that put something on screen (a fallback value is shown, not an error)."""


@dataclass(frozen=True)
class Resource:
    """One piece of data a page reads: where it lives and what it must wait for."""

    name: str
    backend: str
    after: tuple[str, ...] = ()
    key: KeyScope = "page"


@dataclass(frozen=True)
class PageLoadSpec:
    """A strategy's way of loading pages; ``None`` keeps the workload's own setting."""

    mode: Mode | None = None
    boundaries: Boundaries | None = None


class PagePlan:
    """The resource graph in index form, checked once: parents, tiers, sequential order."""

    def __init__(self, resources: tuple[Resource, ...], boundaries: Boundaries) -> None:
        if not resources:
            raise ValueError("a page needs at least one resource")
        names = [r.name for r in resources]
        index = {name: i for i, name in enumerate(names)}
        if len(index) != len(names):
            raise ValueError("resource names must be unique")
        self.resources = resources
        self.parents: tuple[tuple[int, ...], ...] = tuple(
            tuple(_lookup(index, parent, f"resource {r.name!r} comes after") for parent in r.after)
            for r in resources)
        children: list[list[int]] = [[] for _ in resources]
        for i, parents in enumerate(self.parents):
            for parent in parents:
                children[parent].append(i)
        self.children = tuple(tuple(c) for c in children)
        self.order = self._topological_order(names)
        depth = [0] * len(resources)
        for i in self.order:
            depth[i] = max((depth[p] + 1 for p in self.parents[i]), default=0)
        self.tiers = tuple(tuple(i for i in range(len(resources)) if depth[i] == t)
                           for t in range(max(depth) + 1))
        self.tier_of = tuple(depth)
        self.roots = self.tiers[0]
        self.boundary_names, members = self._boundaries(boundaries, index)
        self.boundary_sizes = tuple(len(m) for m in members)
        self.boundaries_of = tuple(tuple(b for b, m in enumerate(members) if i in m)
                                   for i in range(len(resources)))

    def _topological_order(self, names: list[str]) -> tuple[int, ...]:
        """Declaration order, each resource moved after its parents (Kahn, earliest first)."""
        waiting = [len(p) for p in self.parents]
        ready = [i for i, w in enumerate(waiting) if w == 0]
        order: list[int] = []
        while ready:
            ready.sort()
            i = ready.pop(0)
            order.append(i)
            for child in self.children[i]:
                waiting[child] -= 1
                if waiting[child] == 0:
                    ready.append(child)
        if len(order) != len(names):
            stuck = ", ".join(names[i] for i, w in enumerate(waiting) if w > 0)
            raise ValueError(f"dependency cycle among resources: {stuck}")
        return tuple(order)

    def _boundaries(self, boundaries: Boundaries, index: dict[str, int]
                    ) -> tuple[tuple[str, ...], list[set[int]]]:
        names = [name for name, _ in boundaries]
        members = [{_lookup(index, r, f"boundary {name!r} reads") for r in reads}
                   for name, reads in boundaries]
        covered = set().union(*members)
        uncovered = {i for i in range(len(self.resources)) if i not in covered}
        if uncovered:
            if ROOT_BOUNDARY in names:
                members[names.index(ROOT_BOUNDARY)] |= uncovered
            else:
                names.append(ROOT_BOUNDARY)
                members.append(uncovered)
        return tuple(names), members


def _lookup(index: dict[str, int], name: str, what: str) -> int:
    if name not in index:
        raise ValueError(f"{what} {name!r}, which is not a resource of the page")
    return index[name]


@dataclass(frozen=True)
class PageView:
    """Users view pages; each view loads the page's resources (see the module docstring)."""

    resources: tuple[Resource, ...]
    keys: KeySpec = field(default_factory=KeySpec)
    mode: Mode = "declared"
    boundaries: Boundaries = ()
    LOADS: ClassVar[tuple[type, ...]] = (OpenLoad, ClosedLoad, TraceLoad)

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(sorted({r.backend for r in self.resources}))

    def plan(self, strategy: PageLoadSpec | None) -> tuple[PagePlan, Mode]:
        """The plan and mode a strategy uses: its own settings over the workload's."""
        mode = strategy.mode if strategy is not None and strategy.mode else self.mode
        boundaries = (strategy.boundaries if strategy is not None
                      and strategy.boundaries is not None else self.boundaries)
        return PagePlan(self.resources, boundaries), mode

    def start(self, ctx: WorkloadContext, load: LoadModel) -> None:
        assert isinstance(load, OpenLoad | ClosedLoad | TraceLoad)
        plan, mode = self.plan(ctx.behaviour(PageLoadSpec))
        log = ctx.logs.add(ViewLog(plan.boundary_names, tuple(r.name for r in plan.resources)))
        loader = _PageLoader(ctx, plan, mode, self.keys, log,
                             waits=isinstance(load, ClosedLoad),
                             replayed=isinstance(load, TraceLoad))
        start_load(ctx, load, loader.view)


class _ResourceRequest(Request):
    """A request that knows which view and resource it serves (no closure per request)."""

    __slots__ = ("index", "view")

    def __init__(self, id: int, key: int, client: int, t_start: float, target: str,
                 view: _View, index: int) -> None:
        super().__init__(id, key, client, t_start, target)
        self.view = view
        self.index = index


class _View:
    __slots__ = ("attempts", "boundary_left", "client", "done", "failed", "next_in_order",
                 "ok", "page", "parents_left", "requests", "reveal_s", "settled",
                 "settled_s", "started_s", "t_start", "tier_left")

    def __init__(self, plan: PagePlan, client: int, page: int, t_start: float) -> None:
        self.client = client
        self.page = page
        self.t_start = t_start
        self.parents_left = [len(p) for p in plan.parents]
        self.boundary_left = list(plan.boundary_sizes)
        self.reveal_s = [0.0] * len(plan.boundary_sizes)
        self.ok = [True] * len(plan.resources)
        self.started_s = [math.nan] * len(plan.resources)
        self.settled_s = [math.nan] * len(plan.resources)
        self.settled = 0
        self.failed = 0
        self.requests = 0
        self.attempts = 0
        self.tier_left = 0
        self.next_in_order = 0
        self.done: Event | None = None


class _PageLoader:
    """Runs views of one page plan: starts resources, reacts to outcomes, logs views."""

    def __init__(self, ctx: WorkloadContext, plan: PagePlan, mode: Mode, keys: KeySpec,
                 log: ViewLog, waits: bool, replayed: bool = False) -> None:
        self.env = ctx.env
        self.driver: RequestDriver = ctx.driver
        self.plan = plan
        self.mode = mode
        self.log = log
        self.waits = waits
        self.count = len(plan.resources)
        self.calls: list[Call] = [ctx.call_for(r.backend) for r in plan.resources]
        self.next_page = key_draw(ctx, keys, replayed)
        self.key_scope = [r.key for r in plan.resources]

    def view(self, client: int) -> Event | None:
        """Start one view; returns an event for a closed-model user to wait on."""
        view = _View(self.plan, client, self.next_page(), self.env._now)
        if self.mode == "declared":
            for i in self.plan.roots:
                self._begin(view, i)
        elif self.mode == "parallel":
            self._begin_tier(view, 0)
        else:
            self._begin_next(view)
        if view.settled == self.count or not self.waits:
            return None
        view.done = Event(self.env)
        return view.done

    def _begin_tier(self, view: _View, tier: int) -> None:
        members = self.plan.tiers[tier]
        view.tier_left = len(members)
        for i in members:
            self._begin(view, i)

    def _begin_next(self, view: _View) -> None:
        i = self.plan.order[view.next_in_order]
        view.next_in_order += 1
        self._begin(view, i)

    def _begin(self, view: _View, i: int) -> None:
        if not all(view.ok[p] for p in self.plan.parents[i]):
            self._settle(view, i, False)
            return
        scope = self.key_scope[i]
        base = view.page if scope == "page" else view.client if scope == "client" else 0
        driver = self.driver
        request = _ResourceRequest(driver.take_id(), base * self.count + i, view.client,
                                   self.env._now, self.plan.resources[i].backend, view, i)
        view.requests += 1
        view.started_s[i] = self.env._now - view.t_start
        driver.start(self.calls[i], request, self._outcome)

    def _outcome(self, request: Request, outcome: Outcome) -> None:
        resource = cast(_ResourceRequest, request)
        view = resource.view
        view.attempts += outcome.attempts
        view.settled_s[resource.index] = self.env._now - view.t_start
        self._settle(view, resource.index, outcome.status in _DELIVERED)

    def _settle(self, view: _View, i: int, ok: bool) -> None:
        plan = self.plan
        if not ok:
            view.ok[i] = False
            view.failed += 1
        for b in plan.boundaries_of[i]:
            view.boundary_left[b] -= 1
            if view.boundary_left[b] == 0:
                view.reveal_s[b] = self.env._now - view.t_start
        view.settled += 1
        if view.settled == self.count:
            self._finish(view)
            return
        if self.mode == "declared":
            for child in plan.children[i]:
                view.parents_left[child] -= 1
                if view.parents_left[child] == 0:
                    self._begin(view, child)
        elif self.mode == "parallel":
            view.tier_left -= 1
            if view.tier_left == 0:
                self._begin_tier(view, plan.tier_of[i] + 1)
        else:
            self._begin_next(view)

    def _finish(self, view: _View) -> None:
        log = self.log
        log.add(view.t_start, view.client, view.page, min(view.reveal_s), max(view.reveal_s),
                view.requests, view.attempts, view.failed)
        for column, value in zip(log.reveal_s, view.reveal_s, strict=True):
            column.append(value)
        for columns, values in ((log.started_s, view.started_s), (log.settled_s, view.settled_s)):
            for column, value in zip(columns, values, strict=True):
                column.append(value)
        if view.done is not None:
            view.done.succeed()
