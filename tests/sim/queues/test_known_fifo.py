"""The FIFO timeline (sim/queues/known_fifo.py) against the queue it replaces.

Two checks. The timeline alone: its starts, its settled ends and its gauge integrals
against a reference schedule computed here, call by call. And whole runs: a plain FIFO
backend on its timeline against the same backend with a queue of tickets (the timeline
switched off), on random scenarios: the same requests with the same outcomes, the same
counters and the same gauges. The one documented difference: a call arriving at the very
instant a worker frees does not count as queued on the timeline (its wait is zero either
way), so ``queued`` may only be lower, and only with constant service times.
"""

from __future__ import annotations

import heapq
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asyncsim.sim import BackendSpec, Simulation, SimulationSpec, StrategySpec
from asyncsim.sim.backend import BackendStats
from asyncsim.sim.distributions import Constant, Distribution, Exponential, Lognormal
from asyncsim.sim.queues import known_fifo
from asyncsim.sim.queues.known_fifo import FifoTimeline
from asyncsim.sim.simulation import RunResult
from asyncsim.sim.workload.compose import compose
from asyncsim.sim.workload.load.arrivals import ArrivalSpec
from asyncsim.sim.workload.load.models import ClosedLoad, OpenLoad
from asyncsim.sim.workload.units.request import PlainRequest

times = st.floats(0.0, 5.0, allow_nan=False)


def _overlap(low: float, high: float, t: float) -> float:
    return max(0.0, min(high, t) - min(low, t))


@settings(max_examples=200)
@given(workers=st.integers(1, 4), gaps=st.lists(times, min_size=1, max_size=40),
       services=st.lists(times, min_size=40, max_size=40), reads=st.lists(times, max_size=10))
def test_starts_and_integrals_match_a_reference_schedule(
        workers: int, gaps: list[float], services: list[float], reads: list[float]) -> None:
    arrivals = list(np.cumsum(gaps))
    free = [0.0] * workers  # the reference: each worker's free time, FIFO order
    schedule = []
    for arrived, service in zip(arrivals, services, strict=False):
        start = max(arrived, heapq.heappop(free))
        heapq.heappush(free, start + service)
        schedule.append((arrived, start, start + service))
    read_at = [*sorted(arrivals[-1] * r / 5.0 for r in reads), arrivals[-1] + 100.0]

    timeline = FifoTimeline(workers)
    counts = BackendStats()
    ends: list[tuple[float, float]] = []  # (end, start) of admitted calls, a heap
    pending_reads = list(read_at)
    for index, (arrived, service) in enumerate(zip(arrivals, services, strict=False)):
        while pending_reads and pending_reads[0] < arrived:
            _check(timeline, counts, ends, schedule[:index], pending_reads.pop(0))
        _end_until(timeline, ends, arrived)
        start = timeline.admit(arrived, service, counts)
        assert start == schedule[index][1]
        heapq.heappush(ends, (start + service, start))
    for t in pending_reads:
        _check(timeline, counts, ends, schedule, t)


def _end_until(timeline: FifoTimeline, ends: list[tuple[float, float]], t: float) -> None:
    """What the calls' end events would do by ``t``."""
    while ends and ends[0][0] <= t:
        end, start = heapq.heappop(ends)
        timeline.done(start, end)


def _check(timeline: FifoTimeline, counts: BackendStats, ends: list[tuple[float, float]],
           schedule: list[tuple[float, float, float]], t: float) -> None:
    """The gauges' integrals, and the counters as a queue would have them by ``t``: a
    call is queued when it arrives to wait, served (with its wait) when it starts."""
    _end_until(timeline, ends, t)
    timeline.settle(t)
    started = [(arrived, start) for arrived, start, _ in schedule if start <= t]
    assert counts.served == len(started)
    assert counts.queued == sum(start > arrived for arrived, start, _ in schedule)
    assert counts.wait_s == pytest.approx(sum(start - arrived for arrived, start in started),
                                          rel=1e-9, abs=1e-9)
    busy = sum(_overlap(start, end, t) for _, start, end in schedule)
    waiting = sum(_overlap(arrived, start, t) for arrived, start, _ in schedule)
    assert timeline.busy_gauge.area_at(t) == pytest.approx(busy, rel=1e-9, abs=1e-9)
    assert timeline.queue_gauge.area_at(t) == pytest.approx(waiting, rel=1e-9, abs=1e-9)


latencies: st.SearchStrategy[Distribution] = st.one_of(
    st.sampled_from([0.25, 0.5, 1.0]).map(Constant),  # ties between events
    st.floats(0.05, 1.0).map(Exponential),
    st.floats(0.1, 0.6).map(lambda median: Lognormal.from_median_p99(median, 3 * median)))


@st.composite
def plain_fifo_scenarios(draw: Any) -> SimulationSpec:
    workers = draw(st.integers(1, 4))
    backend = BackendSpec("server", workers, draw(latencies),
                          error_rate=draw(st.sampled_from([0.0, 0.0, 0.1])),
                          error_latency=draw(st.none() | st.just(Constant(0.05))))
    load: OpenLoad | ClosedLoad
    if draw(st.integers(0, 3)):
        rate = draw(st.floats(0.5, 1.5)) * workers / backend.latency.mean
        load = OpenLoad(ArrivalSpec(rate, draw(st.sampled_from(["poisson", "constant"]))),
                        users=draw(st.integers(1, 3)))
    else:
        load = ClosedLoad(draw(st.integers(1, 6)), draw(latencies))
    return SimulationSpec(seed=draw(st.integers(0, 2**16)), duration_s=60.0,
                          warmup_s=draw(st.sampled_from([0.0, 10.0])), backends=(backend,),
                          workload=compose(load, PlainRequest("server")),
                          # a run cut short: calls still waiting never count as served
                          drain_s=draw(st.sampled_from([math.inf, 0.0, 0.5])))


def _run(spec: SimulationSpec, timeline: bool, monkeypatch: pytest.MonkeyPatch) -> RunResult:
    with monkeypatch.context() as patch:
        patch.setattr(known_fifo, "KNOWN_COMPLETION", timeline)
        simulation = Simulation(spec, StrategySpec("bare"), 0)
        assert (simulation.backends["server"].timeline is not None) == timeline  # type: ignore[union-attr]
        return simulation.run()


def _rows(result: RunResult) -> np.ndarray:
    """The request log's rows in a fixed order (equal ends may be recorded either way)."""
    columns = result.requests
    order = np.lexsort([columns[name] for name in sorted(columns)])
    return np.stack([columns[name][order].astype(float) for name in sorted(columns)])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=plain_fifo_scenarios())
def test_a_run_on_the_timeline_is_the_run_with_a_queue(
        spec: SimulationSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = _run(spec, True, monkeypatch), _run(spec, False, monkeypatch)
    np.testing.assert_array_equal(_rows(fast), _rows(slow))
    ties = isinstance(spec.backends[0].latency, Constant)
    a, b = fast.backends["server"], slow.backends["server"]
    for field in ("calls", "errors", "rejected", "dropped", "served", "shed", "workers",
                  "wait_s"):
        assert getattr(a, field) == getattr(b, field), field
    assert a.queued <= b.queued if ties else a.queued == b.queued
    for field in ("utilisation", "mean_queue_length", "mean_in_service"):
        assert getattr(a, field) == pytest.approx(getattr(b, field), rel=1e-9, abs=1e-12), field
    if isinstance(spec.workload.load, OpenLoad):  # type: ignore[attr-defined]
        # no event of its own per request (the queue's service end is one at least),
        # except while the run drains: then each end left is an event
        ends = fast.requests["t_start_s"] + fast.requests["latency_s"]
        drained = int((ends > spec.duration_s).sum())
        assert fast.events + len(ends) <= slow.events + drained
    else:  # a closed loop waits for its request: its end is an event
        assert fast.events <= slow.events
    assert fast.sim_time_s == slow.sim_time_s  # the drain ends with the last request, or is cut
    for name, counts in slow.series_counts.items():
        np.testing.assert_array_equal(fast.series_counts[name], counts, err_msg=name)
    for name, averages in slow.series_averages.items():
        np.testing.assert_allclose(fast.series_averages[name], averages, rtol=1e-9,
                                   atol=1e-9, err_msg=name)


def test_a_tied_request_strategy_keeps_the_queue() -> None:
    from asyncsim.sim.layers.tied import TiedSpec

    spec = SimulationSpec(seed=1, duration_s=10.0, warmup_s=0.0,
                          backends=(BackendSpec("server", 2, Exponential(0.1)),),
                          workload=compose(OpenLoad(ArrivalSpec(5.0)), PlainRequest("server")))
    tied = Simulation(spec, StrategySpec("tied", layers=(TiedSpec(),)), 0)
    assert tied.backends["server"].timeline is None  # type: ignore[union-attr]
    assert Simulation(spec, StrategySpec("bare"), 0).backends["server"].timeline is not None  # type: ignore[union-attr]
