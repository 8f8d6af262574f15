"""Polling: each view refetches its key on a timer.

Two timer semantics (docs/library-defaults.md §1.2, §1.3):

- ``fixed_rate`` (TanStack Query ``refetchInterval``): ticks every ``interval`` from the
  view's mount, whatever the fetches do; a tick while a fetch is in flight joins it.
- ``after_completion`` (SWR ``refreshInterval``): the next tick is ``interval`` after the
  previous tick's fetch completed (or after the tick, when it was skipped).

A tick is skipped while the tab is hidden unless ``in_background``, while offline (no fetch
is sent offline), and, with ``skip_on_error``, while the view's query holds an error (SWR:
polling then stays quiet until something else, a focus or a reconnect, fetches successfully).

``smart`` (visibility-aware) polling stops the timer while the tab is hidden and, when it
becomes visible, fetches at once and restarts the timer from there.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Literal

import simpy
from simpy.events import Event, Process, Timeout

from asyncsim.sim.layers.dedup import Flight
from asyncsim.sim.workload.views import Fetcher, LiveUser, View

PollingMode = Literal["fixed_rate", "after_completion"]


@dataclass(frozen=True)
class PollingSpec:
    interval_s: float
    mode: PollingMode = "fixed_rate"
    in_background: bool = False
    smart: bool = False
    skip_on_error: bool = False

    def __post_init__(self) -> None:
        if not self.interval_s > 0:
            raise ValueError(f"the polling interval must be positive, got {self.interval_s!r}")
        if self.smart and self.in_background:
            raise ValueError("smart polling pauses while hidden: in_background must be false")


class Polling:
    """The polling timers of every view in a run."""

    def __init__(self, spec: PollingSpec, env: simpy.Environment, fetcher: Fetcher,
                 end_s: float) -> None:
        self.spec = spec
        self.env = env
        self.fetcher = fetcher
        self.end_s = end_s

    def mount(self, view: View) -> None:
        if self.spec.smart and not view.user.visible:
            return
        self._start(view, None)

    def on_visibility(self, user: LiveUser, visible: bool) -> None:
        if not self.spec.smart:
            return
        for view in user.views:
            view.poll_generation += 1  # the running timer stops at its next wake-up
            if visible:
                self.fetcher.counters["poll_resumes"] += 1
                self._start(view, view.query.fetch())

    def on_network(self, user: LiveUser, online: bool) -> None:
        """Nothing to do: ticks while offline are skipped, the timer keeps running."""

    def _start(self, view: View, wait: Flight | None) -> None:
        view.poll_generation += 1
        generation = view.poll_generation
        if self.spec.mode == "fixed_rate":
            Process(self.env, self._fixed_rate(view, generation))
        else:
            Process(self.env, self._after_completion(view, generation, wait))

    def _fixed_rate(self, view: View, generation: int) -> Generator[Event, Any, None]:
        env, interval = self.env, self.spec.interval_s
        while True:
            yield Timeout(env, interval)
            if view.poll_generation != generation or env._now >= self.end_s:
                return
            self._tick(view)

    def _after_completion(self, view: View, generation: int,
                          wait: Flight | None) -> Generator[Event, Any, None]:
        env, interval = self.env, self.spec.interval_s
        if wait is not None:
            yield wait.join(env)
        while True:
            yield Timeout(env, interval)
            if view.poll_generation != generation or env._now >= self.end_s:
                return
            flight = self._tick(view)
            if flight is not None:
                yield flight.join(env)

    def _tick(self, view: View) -> Flight | None:
        """One timer tick: fetch (or join the fetch in flight) unless a skip rule applies."""
        counters = self.fetcher.counters
        if not (view.user.visible or self.spec.in_background):
            counters["poll_skipped_hidden"] += 1
            return None
        if self.spec.skip_on_error and view.query.error:
            counters["poll_skipped_error"] += 1
            return None
        counters["polls"] += 1
        return view.query.fetch()
