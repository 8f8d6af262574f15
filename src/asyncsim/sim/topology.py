"""Wiring a run's backends together: each backend's downstream calls (sim/graph.py) as
layer chains over the entry call of the backend they reach, fan-outs (sim/fanout.py) as one
chain per leaf.

Random streams of a hop's layers are named after the strategy and the hop
(``<strategy>:api#0.1``, a fan-out leaf ``<strategy>:api#0.0/7``), apart from the client's,
so adding a hop or a leaf changes no other stream.
"""

from __future__ import annotations

from collections.abc import Mapping

import simpy

from asyncsim.sim.backend import BackendSpec
from asyncsim.sim.data import DataModel
from asyncsim.sim.engine import RandomStreams
from asyncsim.sim.fanout import FanOut, FanOutSpec
from asyncsim.sim.graph import HopSpec, hop_name
from asyncsim.sim.layers.base import BuildContext, Call, build_chain
from asyncsim.sim.record import TimeSeries


class Topology:
    """Builds hops for one run; ``entries`` is each backend's entry call (the backend's own
    ``call``, or its balancer's when it has replicas)."""

    def __init__(self, env: simpy.Environment, streams: RandomStreams, strategy: str,
                 series: TimeSeries, data: Mapping[str, DataModel], warmup_s: float,
                 duration_s: float, entries: Mapping[str, Call]) -> None:
        self.env = env
        self.streams = streams
        self.strategy = strategy
        self.series = series
        self.data = data
        self.warmup_s = warmup_s
        self.duration_s = duration_s
        self.entries = entries

    def hops(self, caller: BackendSpec) -> list[list[Call]]:
        """The top call of each downstream hop of ``caller``, per step."""
        steps = []
        for step_index, step in enumerate(caller.steps):
            calls: list[Call] = []
            for index, hop in enumerate(step):
                name = hop_name(caller.name, step_index, index)
                if isinstance(hop, FanOutSpec):
                    leaves = [self._chain(hop, f"{name}/{leaf}") for leaf in range(hop.n)]
                    calls.append(FanOut(self.env, hop, leaves).call)
                else:
                    calls.append(self._chain(hop, name))
            steps.append(calls)
        return steps

    def _chain(self, hop: HopSpec, name: str) -> Call:
        ctx = BuildContext(self.env, self.streams, f"{self.strategy}:{name}", self.series,
                           self.data[hop.target], self.warmup_s, self.duration_s,
                           target=hop.target)
        return build_chain(hop.layers, ctx, self.entries[hop.target])[0]
