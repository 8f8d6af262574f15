"""Revalidation on focus and on reconnect: refetch when the tab is shown or comes back online.

TanStack Query (docs/library-defaults.md §1.2) refetches on focus and on reconnect if the data is
stale (older than ``stale_time`` since it was fetched; staleTime 0 by default, so always),
with no throttle; the refetch joins a fetch in flight. SWR (§1.3) revalidates only while
the tab is "active" (visible and online) and throttles focus revalidations per view: one is
allowed only after ``throttle``, counted from the view's mount and then from the previous
focus revalidation (``focusThrottleInterval``, 5 s).
"""

from __future__ import annotations

from dataclasses import dataclass

from asyncsim.sim.workload.views import Fetcher, LiveUser, View


@dataclass(frozen=True)
class FocusSpec:
    on_focus: bool = True
    on_reconnect: bool = True
    throttle_s: float = 0.0
    stale_time_s: float = 0.0
    active_only: bool = False

    def __post_init__(self) -> None:
        if not (self.throttle_s >= 0 and self.stale_time_s >= 0):
            raise ValueError("throttle_s and stale_time_s must be zero or more")


class FocusRevalidation:
    def __init__(self, spec: FocusSpec, fetcher: Fetcher) -> None:
        self.spec = spec
        self.fetcher = fetcher

    def mount(self, view: View) -> None:
        view.focus_next_s = self.fetcher.env._now + self.spec.throttle_s

    def on_visibility(self, user: LiveUser, visible: bool) -> None:
        if not (visible and self.spec.on_focus):
            return
        if self.spec.active_only and not user.online:
            return  # SWR: not "active", and the throttle is left as it was
        now = self.fetcher.env._now
        counters = self.fetcher.counters
        for view in user.views:
            if self.spec.throttle_s > 0:
                if not now > view.focus_next_s:
                    counters["focus_throttled"] += 1
                    continue
                view.focus_next_s = now + self.spec.throttle_s
            self._revalidate(view, "focus_revalidations")

    def on_network(self, user: LiveUser, online: bool) -> None:
        if not (online and self.spec.on_reconnect):
            return
        if self.spec.active_only and not user.visible:
            return
        for view in user.views:
            self._revalidate(view, "reconnect_revalidations")

    def _revalidate(self, view: View, counter: str) -> None:
        query = view.query
        if self.fetcher.env._now - query.data_at < self.spec.stale_time_s:
            self.fetcher.counters["focus_fresh"] += 1
            return
        self.fetcher.counters[counter] += 1
        query.fetch()
