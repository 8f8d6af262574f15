"""Wiring a run's backends together: each backend's downstream calls (sim/graph.py) as
layer chains over the entry call of the backend they reach, fan-outs (sim/fanout.py) as one
chain per leaf.

Random streams of a hop's layers are named after the strategy and the hop
(``<strategy>:api#0.1``, a fan-out leaf ``<strategy>:api#0.0/7``), apart from the client's,
so adding a hop or a leaf changes no other stream.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

import simpy

from asyncsim.sim.backend import BackendSpec
from asyncsim.sim.data import DataModel
from asyncsim.sim.engine import RandomStreams
from asyncsim.sim.fanout import FanOut, FanOutSpec
from asyncsim.sim.graph import HopSpec, Steps, hop_name
from asyncsim.sim.graph_times import GraphClock
from asyncsim.sim.layers.base import BuildContext, Call, Layer, LayerSpec, PerClient, build_chain
from asyncsim.sim.record import Gauge, TimeSeries


@dataclass
class HopChains:
    """The layers of one hop, for the run's books: ``specs`` outermost first, ``built``
    one list of runtime layers per chain (one chain; a fan-out, one per leaf), ``gauges``
    shared by its chains (a cache on every leaf counts its entries in one gauge)."""

    specs: tuple[LayerSpec, ...]
    built: list[list[Layer | PerClient]] = field(default_factory=list)
    gauges: dict[tuple[int, str], Gauge] = field(default_factory=dict)


class Topology:
    """Builds hops for one run; ``entries`` is each backend's entry call (the backend's own
    ``call``, or its balancer's when it has replicas). ``chains`` keeps each hop's layers
    by hop name (``api->db``, see :func:`hop_label`), so the run resets, closes and
    publishes them as it does the client's. With a ``clock``, each hop's calls, each step's
    waits and each fan-out are timed (sim/graph_times.py)."""

    def __init__(self, env: simpy.Environment, streams: RandomStreams, strategy: str,
                 series: TimeSeries, data: Mapping[str, DataModel], warmup_s: float,
                 duration_s: float, entries: Mapping[str, Call],
                 clock: GraphClock | None = None) -> None:
        self.env = env
        self.streams = streams
        self.strategy = strategy
        self.series = series
        self.data = data
        self.warmup_s = warmup_s
        self.duration_s = duration_s
        self.entries = entries
        self.clock = clock
        self.chains: dict[str, HopChains] = {}

    def hops(self, caller: BackendSpec) -> Steps:
        """The top call of each downstream hop of ``caller``, per step."""
        steps = []
        step_names = []
        for step_index, step in enumerate(caller.steps):
            calls: list[Call] = []
            labels = []
            for index, hop in enumerate(step):
                name = hop_name(caller.name, step_index, index)
                label = hop_label(caller.name, hop.target, step_index, index, self.chains)
                chains = self.chains[label] = HopChains(hop.layers)
                call: Call
                if isinstance(hop, FanOutSpec):
                    leaves = [self._chain(hop, f"{name}/{leaf}", chains, label)
                              for leaf in range(hop.n)]
                    on_done = (None if self.clock is None
                               else functools.partial(self.clock.fanout, label))
                    call = FanOut(self.env, hop, leaves, on_done).call
                else:
                    call = self._chain(hop, name, chains, label)
                if self.clock is not None:
                    call = self.clock.timed(label, call)
                calls.append(call)
                labels.append(label)
            steps.append(calls)
            step_names.append("+".join([labels[0], *(label.partition("->")[2]
                                                     for label in labels[1:])]))
        if self.clock is not None:
            for step_name in step_names:
                self.clock.declare_step(caller.name, step_name)
        return Steps(steps, caller.name, step_names, self.clock)

    def _chain(self, hop: HopSpec, name: str, chains: HopChains, label: str) -> Call:
        ctx = BuildContext(self.env, self.streams, f"{self.strategy}:{name}", self.series,
                           self.data[hop.target], self.warmup_s, self.duration_s,
                           target=label, gauges=chains.gauges)
        bottom = self.entries[hop.target]
        if self.clock is not None:
            bottom = self.clock.counted(label, bottom)
        call, built = build_chain(hop.layers, ctx, bottom)
        chains.built.append(built)
        return call


def hop_label(caller: str, callee: str, step: int, index: int,
              taken: Mapping[str, object]) -> str:
    """How reports name a hop: ``api->db``; ``api->db#1.0`` (step 1, call 0) when the caller
    already has a hop of that name."""
    label = f"{caller}->{callee}"
    return label if label not in taken else f"{label}#{step}.{index}"
