"""Tab visibility and network state: two states taking turns, each lasting a random time.

A tab is visible for a draw of ``on``, hidden for a draw of ``off``, and so on; the network
likewise alternates online and offline. Each user starts in the first state with probability
E[on]/(E[on]+E[off]) (the long-run share), then draws whole periods (exact stationarity for
exponential periods; others settle within a few periods, which the warm-up covers).

Draws come from one stream per alternation (``workload:visibility``, ``workload:network``)
shared by all users in time order; the switches do not depend on the strategy, so every
strategy of a replication sees the same tabs shown and hidden at the same times.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy
from simpy.events import Event, Timeout

from asyncsim.sim.distributions import Distribution
from asyncsim.sim.engine import BlockSampler

Switch = Callable[[float, bool], None]
"""Called with (time, new state: True for visible/online) at every switch."""


@dataclass(frozen=True)
class AlternatingSpec:
    on: Distribution
    off: Distribution

    def __post_init__(self) -> None:
        if not (self.on.mean > 0 and self.off.mean > 0):
            raise ValueError("both periods need a positive mean (a zero mean never ends)")

    @property
    def on_share(self) -> float:
        """Long-run share of time in the first state."""
        return self.on.mean / (self.on.mean + self.off.mean)


class Alternation:
    """Runs the turns of many users from one pair of samplers."""

    def __init__(self, env: simpy.Environment, spec: AlternatingSpec,
                 rng: np.random.Generator, end_s: float) -> None:
        self.env = env
        self.spec = spec
        self.end_s = end_s
        self._rng = rng
        self._on = BlockSampler(spec.on.draw, rng)
        self._off = BlockSampler(spec.off.draw, rng)

    def first_state(self) -> bool:
        """Draw a user's state at time 0 (call once per user, in user order)."""
        return bool(self._rng.random() < self.spec.on_share)

    def run(self, state: bool, switch: Switch) -> Generator[Event, Any, None]:
        """The process of one user starting in ``state``; ``switch`` hears every change."""
        env = self.env
        while True:
            period = self._on() if state else self._off()
            if env._now + period >= self.end_s:
                return
            yield Timeout(env, period)
            state = not state
            switch(env._now, state)
