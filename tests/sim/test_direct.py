"""The fast path (sim/direct.py) against the generator path, on random scenarios.

The fast path claims more than equal statistics: the same events, with the same ids, in
the same order, so every request gets the same outcome at the same time. So the whole
request log must be equal column by column, row by row (not just sorted), and so must the
backend's counters and gauge averages, the time series and the number of events (on a
plain FIFO backend's timeline the fast path has fewer: a request nobody waits for needs
no event of its own; tests/sim/queues/test_known_fifo.py checks the timeline). The
scenarios draw what the fast path runs under: FIFO and the other disciplines, queue
limits, errors and error latencies, every fault kind, the concurrency factor, constant
service times (ties at equal times are where an order would show), several clients, a
warm-up, open and closed loads.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asyncsim.sim import BackendSpec, Simulation, SimulationSpec, StrategySpec, direct
from asyncsim.sim.backend import Fault
from asyncsim.sim.direct import DirectCall, LayerStart
from asyncsim.sim.distributions import Constant, Distribution, Exponential, Lognormal, Uniform
from asyncsim.sim.layers.cache.layer import CacheSpec
from asyncsim.sim.layers.cache.store import Eviction
from asyncsim.sim.queues import QueueSpec
from asyncsim.sim.queues.known_fifo import FifoTimeline
from asyncsim.sim.simulation import RunResult
from asyncsim.sim.workload.compose import compose
from asyncsim.sim.workload.keys import KeySpec
from asyncsim.sim.workload.load.arrivals import ArrivalSpec
from asyncsim.sim.workload.load.models import ClosedLoad, OpenLoad
from asyncsim.sim.workload.units.request import PlainRequest

DURATION_S = 60.0

latencies: st.SearchStrategy[Distribution] = st.one_of(
    st.sampled_from([0.25, 0.5, 1.0]).map(Constant),  # ties between events
    st.floats(0.05, 1.0).map(Exponential),
    st.floats(0.05, 0.5).map(lambda low: Uniform(low, 2 * low)),
    st.floats(0.1, 0.6).map(lambda median: Lognormal.from_median_p99(median, 3 * median)))

faults = st.lists(st.builds(
    Fault, kind=st.sampled_from(["outage", "error_burst", "slowdown", "capacity_drop"]),
    at_s=st.floats(0.0, 50.0), for_s=st.floats(1.0, 15.0), factor=st.floats(1.0, 4.0),
    error_rate=st.floats(0.1, 1.0), workers=st.integers(0, 2)), max_size=2)

queues = st.one_of(
    st.just(QueueSpec()),
    st.builds(QueueSpec, order=st.sampled_from(["lifo", "adaptive_lifo"]),
              lifo_after_s=st.floats(0.0, 2.0)),
    st.builds(QueueSpec, codel_target_s=st.floats(0.05, 1.0)),
    st.builds(QueueSpec, max_wait_s=st.floats(0.1, 3.0)),
    st.builds(QueueSpec, max_in_system=st.integers(1, 8)))  # shedding by concurrency


@st.composite
def scenarios(draw: Any) -> SimulationSpec:
    workers = draw(st.integers(1, 4))
    backend = BackendSpec(
        "server", workers, draw(latencies),
        queue_limit=draw(st.none() | st.integers(0, 8)),
        error_rate=draw(st.sampled_from([0.0, 0.0, 0.1])),
        error_latency=draw(st.none() | st.just(Constant(0.05)) | st.just(Constant(0.0))),
        # a capacity drop leaves fewer workers than the backend has (validate says so)
        faults=tuple(replace(f, workers=min(f.workers, workers - 1)) for f in draw(faults)),
        queue=draw(queues),
        concurrency_factor=draw(st.sampled_from([0.0, 0.0, 0.3])))
    load: OpenLoad | ClosedLoad
    if draw(st.booleans()):
        rate = draw(st.floats(0.5, 1.5)) * workers / backend.latency.mean
        load = OpenLoad(ArrivalSpec(rate, draw(st.sampled_from(["poisson", "constant"]))),
                        users=draw(st.integers(1, 3)))
    else:
        load = ClosedLoad(draw(st.integers(1, 6)), draw(latencies))
    return SimulationSpec(seed=draw(st.integers(0, 2**16)), duration_s=DURATION_S,
                          warmup_s=draw(st.sampled_from([0.0, 10.0])), backends=(backend,),
                          workload=compose(load, PlainRequest("server")))


def run(spec: SimulationSpec, fast: bool, monkeypatch: pytest.MonkeyPatch) -> RunResult:
    with monkeypatch.context() as patch:
        patch.setattr(direct, "ENABLED", fast)
        simulation = Simulation(spec, StrategySpec("bare"), 0)
        result = simulation.run()
        took_fast_path = isinstance(simulation.call_for("server"), DirectCall)
    assert took_fast_path == fast
    return result


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=scenarios())
def test_fast_path_gives_every_request_the_same_outcome(
        spec: SimulationSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = run(spec, True, monkeypatch), run(spec, False, monkeypatch)
    assert fast.requests.keys() == slow.requests.keys()
    for column, values in slow.requests.items():
        np.testing.assert_array_equal(fast.requests[column], values, err_msg=column)
    assert fast.backends == slow.backends  # counters, utilisation, queue length: exactly
    if Simulation(spec, StrategySpec("bare"), 0).backends["server"].timeline is None:  # type: ignore[union-attr]
        assert fast.events == slow.events
    else:  # on a timeline, a request nobody waits for has no event (sim/queues/known_fifo.py)
        assert fast.events <= slow.events
    for name, counts in slow.series_counts.items():
        np.testing.assert_array_equal(fast.series_counts[name], counts, err_msg=name)
    for name, averages in slow.series_averages.items():
        np.testing.assert_array_equal(fast.series_averages[name], averages, err_msg=name)


def test_a_strategy_with_layers_keeps_the_generator_path() -> None:
    from asyncsim.sim.layers.timeout import TimeoutSpec

    spec = SimulationSpec(seed=1, duration_s=10.0, warmup_s=0.0,
                          backends=(BackendSpec("server", 1, Exponential(0.1)),),
                          workload=compose(OpenLoad(ArrivalSpec(5.0)), PlainRequest("server")))
    simulation = Simulation(spec, StrategySpec("timeout", layers=(TimeoutSpec(1.0),)), 0)
    assert not isinstance(simulation.call_for("server"), DirectCall)
    assert isinstance(Simulation(spec, StrategySpec("bare"), 0).call_for("server"), DirectCall)


caches = st.builds(
    CacheSpec, ttl_s=st.sampled_from([math.inf, 2.0, 10.0]),
    fresh_for_s=st.sampled_from([math.inf, 0.5, 3.0]), max_entries=st.none() | st.integers(1, 8),
    eviction=st.sampled_from(["lru", "fifo", "random", "lfu"]),
    error_ttl_s=st.sampled_from([0.0, 1.0]), sliding=st.booleans(),
    xfetch_beta=st.none() | st.just(1.0))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=scenarios(), cache=caches, keys=st.integers(1, 20),
       stale_for_s=st.sampled_from([None, 5.0]))
def test_a_cache_over_a_bare_backend_runs_by_callbacks_with_the_same_outcomes(
        spec: SimulationSpec, cache: CacheSpec, keys: int, stale_for_s: float | None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache right over a bare backend starts its requests by callbacks (LayerStart):
    every request, counter and event as through the cache's generator."""
    if stale_for_s is not None and cache.fresh_for_s < math.inf:  # stale-while-revalidate
        cache = replace(cache, stale_for_s=cache.fresh_for_s + stale_for_s)
    spec = replace(spec, workload=compose(spec.workload.load,  # type: ignore[attr-defined]
                                          PlainRequest("server", KeySpec(keys))))
    strategy = StrategySpec("cache", layers=(cache,))

    _same_through_the_cache(spec, strategy, monkeypatch)


def _same_through_the_cache(spec: SimulationSpec, strategy: StrategySpec,
                            monkeypatch: pytest.MonkeyPatch) -> bool:
    """Runs ``strategy`` (one cache) by callbacks and by generator and checks every row,
    counter, gauge and series match; returns whether misses were stored late."""

    stored_late, counted_calls = [], []
    start_late, admit = direct.TimelineCall.start_late, FifoTimeline.admit

    def counted(self: direct.TimelineCall, *args: Any) -> None:
        stored_late.append(args[1])
        start_late(self, *args)

    def counting(self: FifoTimeline, *args: Any) -> float:
        counted_calls.append(args[0])
        return admit(self, *args)

    def run_cache(fast: bool) -> tuple[RunResult, bool, bool]:
        with monkeypatch.context() as patch:
            patch.setattr(direct, "ENABLED", fast)
            patch.setattr(direct.TimelineCall, "start_late", counted)
            patch.setattr(FifoTimeline, "admit", counting)
            simulation = Simulation(spec, strategy, 0)
            call = simulation.call_for("server")
            late = isinstance(call, LayerStart) and call.layer._late is not None
            return simulation.run(), isinstance(call, LayerStart), late

    fast, by_callbacks, late = run_cache(True)
    calls_by_callbacks = len(counted_calls)
    slow, by_generator, _ = run_cache(False)
    assert by_callbacks and not by_generator
    # an open load's misses (the backend calls started by callbacks) are stored late,
    # without an event, when the cache can
    open_load = isinstance(spec.workload.load, OpenLoad)  # type: ignore[attr-defined]
    assert len(stored_late) == (calls_by_callbacks if late and open_load else 0)
    for column, values in slow.requests.items():
        np.testing.assert_array_equal(fast.requests[column], values, err_msg=column)
    assert fast.backends == slow.backends
    assert fast.layers == slow.layers  # counters and gauge integrals (the cache's size)
    for name, averages in slow.series_averages.items():  # the cache's size gauge among them
        np.testing.assert_array_equal(fast.series_averages[name], averages, err_msg=name)
    # a miss stored late takes the event id its end event would have, without the event
    assert fast.events == slow.events
    return late


late_caches = st.builds(
    CacheSpec, max_entries=st.none() | st.integers(1, 8),
    eviction=st.sampled_from(["lru", "fifo", "random", "lfu"]), sliding=st.booleans(),
    xfetch_beta=st.none() | st.just(1.0))
"""Caches whose entries live until evicted: their misses are stored late over a timeline."""


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=scenarios(), cache=late_caches, keys=st.integers(1, 20),
       drain_s=st.sampled_from([math.inf, 0.0, 0.5]))
def test_a_cache_over_a_timeline_stores_its_misses_late_with_the_same_outcomes(
        spec: SimulationSpec, cache: CacheSpec, keys: int, drain_s: float,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Misses stored when someone next looks (no event) give every request, counter,
    gauge and series the generator gives, ties at equal times included (constant
    latencies and arrivals), through the warm-up, stop and drain."""
    plain = replace(spec.backends[0], queue_limit=None, faults=(), queue=QueueSpec(),
                    concurrency_factor=0.0)  # a timeline's backend
    spec = replace(spec, drain_s=drain_s, backends=(plain,),
                   workload=compose(spec.workload.load,  # type: ignore[attr-defined]
                                    PlainRequest("server", KeySpec(keys))))
    late = _same_through_the_cache(spec, StrategySpec("cache", layers=(cache,)), monkeypatch)
    assert late


@pytest.mark.parametrize("latency_s", [0.5, 0.6])
@pytest.mark.parametrize("eviction", ["lru", "random"])
def test_late_stores_keep_simpys_order_at_equal_times(
        latency_s: float, eviction: Eviction, monkeypatch: pytest.MonkeyPatch) -> None:
    """Arrivals every 0.25 s and a constant latency put misses' ends at the very instants
    of arrivals, series samples and the end of the warm-up (0.5 s), or just before the
    warm-up ends (0.6 s); with one entry for three keys every store evicts. Late stores
    must land where their end events would have, ties broken by event id as SimPy does."""
    spec = SimulationSpec(
        seed=3, duration_s=30.0, warmup_s=10.0,
        backends=(BackendSpec("server", 3, Constant(latency_s)),),
        workload=compose(OpenLoad(ArrivalSpec(4.0, "constant")),
                         PlainRequest("server", KeySpec(3))))
    cache = CacheSpec(max_entries=1, eviction=eviction)
    assert _same_through_the_cache(spec, StrategySpec("cache", layers=(cache,)), monkeypatch)
