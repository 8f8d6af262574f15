"""A service graph's books: hop layers counted, reset at warm-up and published like the
client's; calls, steps and fan-outs timed (sim/layer_books.py, sim/graph_times.py)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st
from simpy.events import Event, Process

from asyncsim.sim import BackendSpec, Simulation, SimulationSpec, StrategySpec
from asyncsim.sim.backend import Backend
from asyncsim.sim.distributions import Constant
from asyncsim.sim.engine import RandomStreams
from asyncsim.sim.fanout import FanOut, FanOutSpec
from asyncsim.sim.graph import HopSpec
from asyncsim.sim.graph_times import GraphClock
from asyncsim.sim.layers.cache.layer import CacheSpec
from asyncsim.sim.layers.hedge import HedgeSpec
from asyncsim.sim.outcome import Outcome
from asyncsim.sim.record import TimeSeries
from asyncsim.sim.request import Request
from asyncsim.sim.workload.compose import compose
from asyncsim.sim.workload.load.arrivals import ArrivalSpec
from asyncsim.sim.workload.load.models import OpenLoad
from asyncsim.sim.workload.units.request import PlainRequest


def _run(steps: tuple[tuple[HopSpec, ...], ...], warmup_s: float = 2.0) -> Any:
    spec = SimulationSpec(
        seed=3, duration_s=10.0, warmup_s=warmup_s,
        backends=(BackendSpec("api", 100, Constant(0.001), steps=steps),
                  BackendSpec("db", 100, Constant(0.002))),
        workload=compose(OpenLoad(ArrivalSpec(10.0)), PlainRequest("api")))
    return Simulation(spec, StrategySpec("s"), 0).run()


def test_a_hop_cache_is_published_under_the_hop_with_its_gauge() -> None:
    result = _run(((HopSpec("db", (CacheSpec(ttl_s=1.0),)),),))
    (stats,) = [s for s in result.layers if s.kind == "cache"]
    assert (stats.target, stats.position, stats.hop) == ("api->db", 0, "api->db")
    measured = int((result.requests["t_start_s"] >= 2.0).sum())
    # counted from the warm-up on: every measured request looked the key up once
    assert stats.counters["fresh_hits"] + stats.counters["misses"] == measured
    assert stats.counters["misses"] == result.backends["db"].calls
    assert 0 < stats.gauges["entries"] <= 1       # one key, held most of the time


def test_a_fanouts_leaves_are_summed_into_one_hop() -> None:
    hedge = HedgeSpec(delay_s=1.0)
    result = _run(((FanOutSpec("db", (hedge,), n=4, k=4),),))
    (stats,) = [s for s in result.layers if s.kind == "hedge"]
    assert stats.target == "api->db"
    assert stats.counters["calls"] == 4 * result.backends["api"].calls
    assert result.graph is not None
    assert result.graph.edge_calls["api->db"] == 4 * result.graph.edge_calls["client->api"]
    assert result.graph.fanouts["api->db"].end_s.count == result.graph.edge_calls["client->api"]


def test_step_waits_and_own_time_add_up() -> None:
    result = _run(((HopSpec("db"),), (HopSpec("db"), HopSpec("db"))))
    graph = result.graph
    assert graph is not None
    waits = graph.step_wait_s["api"]
    calls = graph.latency_s["api"].count
    # nothing queues: each step waits exactly db's 2 ms, api's own work is 1 ms
    assert list(waits) == ["api->db", "api->db#1.0+db#1.1"]   # a hop name repeats: #step.call
    assert waits["api->db"] / calls == pytest.approx(0.002)
    assert waits["api->db#1.0+db#1.1"] / calls == pytest.approx(0.002)   # in parallel
    assert graph.latency_s["api"].mean == pytest.approx(0.005)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0.0, 5.0), min_size=1, max_size=6),
       st.integers(1, 6))
def test_a_fanout_row_is_first_then_end(latencies: list[float], k: int) -> None:
    """For any leaf latencies and quorum: the first answer is the fastest leaf's, the end
    the k-th fastest's, both measured from the fan-out's start."""
    k = min(k, len(latencies))
    env = simpy.Environment()
    streams, series = RandomStreams(1, 0), TimeSeries(1.0, 10)
    leaves = [Backend(env, BackendSpec(f"l{i}", 1, Constant(t)), streams, series).call
              for i, t in enumerate(latencies)]
    clock = GraphClock(env, 0.0, keep=True)
    fanout = FanOut(env, FanOutSpec("l", n=len(leaves), k=k), leaves,
                    lambda request, first, done: clock.fanout("x", request, first, done))

    def user() -> Generator[Event, Any, Outcome]:
        yield env.timeout(1.0)
        return (yield from fanout.call(Request(0, 0, 0, 1.0)))

    Process(env, user())
    env.run()
    ((first, done),) = clock.times().fanouts["x"].rows
    assert first == pytest.approx(min(latencies), abs=1e-12)
    assert done == pytest.approx(sorted(latencies)[k - 1], abs=1e-12)
