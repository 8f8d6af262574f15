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

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asyncsim.sim import BackendSpec, Simulation, SimulationSpec, StrategySpec, direct
from asyncsim.sim.backend import Fault
from asyncsim.sim.direct import DirectCall
from asyncsim.sim.distributions import Constant, Distribution, Exponential, Lognormal, Uniform
from asyncsim.sim.queues import QueueSpec
from asyncsim.sim.simulation import RunResult
from asyncsim.sim.workload.compose import compose
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
