"""Queue disciplines (sim/queues/) on queues worked out by hand, and on a backend."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asyncsim.sim.queues import QueueSpec, make_queue
from asyncsim.sim.queues.discipline import Order
from asyncsim.sim.request import Request


def _item(name: int, at_s: float) -> Any:
    return (name, Request(name, 0, 0, at_s, "api"), at_s)


def _drain(spec: QueueSpec, joins: list[float], take_at: list[float]) -> list[tuple[int, bool]]:
    queue = make_queue(spec)
    for index, at_s in enumerate(joins):
        queue.append(_item(index, at_s))
    out = []
    for now in take_at:
        (name, _, _), shed = queue.take(now)
        out.append((name, shed))
    return out


def test_fifo_and_lifo_order() -> None:
    joins = [0.0, 1.0, 2.0]
    assert [n for n, _ in _drain(QueueSpec("fifo"), joins, [3, 4, 5])] == [0, 1, 2]
    assert [n for n, _ in _drain(QueueSpec("lifo"), joins, [3, 4, 5])] == [2, 1, 0]


def test_adaptive_lifo_switches_once_the_queue_has_stood() -> None:
    """Non-empty since 0 s: at 0.5 s (not past 1 s) oldest first; at 1.5 s newest first."""
    spec = QueueSpec("adaptive_lifo", lifo_after_s=1.0)
    assert _drain(spec, [0.0, 0.2, 0.4, 0.6], [0.5, 1.5, 1.6, 1.7]) == [
        (0, False), (3, False), (2, False), (1, False)]


def test_max_wait_sheds_at_the_head() -> None:
    spec = QueueSpec(max_wait_s=1.0)
    assert _drain(spec, [0.0, 0.5, 0.9], [1.2, 1.4, 1.5]) == [
        (0, True), (1, False), (2, False)]


def test_codel_limits_the_wait_under_a_standing_queue() -> None:
    """Interval 100 ms, target 5 ms: call 0 joins an empty queue (limit 100 ms); the queue
    has stood 150 ms when call 1 joins (limit 5 ms)."""
    spec = QueueSpec(codel_target_s=0.005, codel_interval_s=0.1)
    assert _drain(spec, [0.0, 0.15], [0.09, 0.16]) == [(0, False), (1, True)]
    assert _drain(spec, [0.0, 0.15], [0.11, 0.154]) == [(0, True), (1, False)]


@given(st.sampled_from(["fifo", "lifo", "adaptive_lifo"]),
       st.lists(st.floats(0, 100), min_size=1, max_size=40))
def test_every_call_leaves_once(order: Order, joins: list[float]) -> None:
    joins = sorted(joins)
    spec = QueueSpec(order, lifo_after_s=1.0 if order == "adaptive_lifo" else 0.0,
                     max_wait_s=5.0)
    taken = _drain(spec, joins, [joins[-1] + i for i in range(len(joins))])
    assert sorted(n for n, _ in taken) == list(range(len(joins)))


@pytest.mark.parametrize("bad", [
    {"lifo_after_s": -1.0}, {"codel_target_s": 0.0}, {"codel_target_s": 0.005,
                                                      "codel_interval_s": 0.0},
    {"max_wait_s": 0.0}])
def test_bad_settings_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        QueueSpec(**bad)  # type: ignore[arg-type]


def _backend_run(backend: Any, rate: float, duration: float = 60.0) -> Any:
    from asyncsim.sim import Simulation, SimulationSpec, StrategySpec
    from asyncsim.sim.workload.compose import compose
    from asyncsim.sim.workload.load.arrivals import ArrivalSpec
    from asyncsim.sim.workload.load.models import OpenLoad
    from asyncsim.sim.workload.units.request import PlainRequest

    spec = SimulationSpec(seed=5, duration_s=duration, warmup_s=0.0, backends=(backend,),
                          workload=compose(OpenLoad(ArrivalSpec(rate, "constant")),
                                           PlainRequest(backend.name)))
    return Simulation(spec, StrategySpec("s"), 0).run()


def test_a_shedding_queue_serves_no_call_that_waited_too_long() -> None:
    from asyncsim.sim import BackendSpec
    from asyncsim.sim.distributions import Constant
    from asyncsim.sim.outcome import Status

    result = _backend_run(BackendSpec("api", 1, Constant(1.0),
                                      queue=QueueSpec(max_wait_s=2.0)), rate=3.0)
    status, latency = result.requests["status"], result.requests["latency_s"]
    assert result.backends["api"].shed > 0
    assert (status == Status.REJECTED).sum() == result.backends["api"].shed
    assert latency[status == Status.OK].max() <= 3.0 + 1e-9


def test_service_time_grows_with_concurrency() -> None:
    """No queueing (100 workers); a call arriving every 1 s takes 1.5 s x (1 + 1.0 x the
    other calls in service): a second, independent walk of the same rule."""
    from asyncsim.sim import BackendSpec
    from asyncsim.sim.distributions import Constant

    result = _backend_run(BackendSpec("api", 100, Constant(1.5), concurrency_factor=1.0),
                          rate=1.0, duration=12.0)
    starts = sorted(result.requests["t_start_s"])
    ends: list[float] = []
    expected = []
    for start in starts:
        busy = sum(end > start for end in ends)
        service = 1.5 * (1 + 1.0 * busy)
        ends.append(start + service)
        expected.append(service)
    order = sorted(range(len(starts)), key=lambda i: result.requests["t_start_s"][i])
    got = [float(result.requests["latency_s"][i]) for i in order]
    assert got == pytest.approx(expected)
    assert expected[-1] > 4 * expected[0]   # unstable: each call slows the next
