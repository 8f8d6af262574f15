"""Backend behaviour: timeouts do not cancel work, drop_expired does, faults act in windows."""

from __future__ import annotations

import numpy as np

from asyncsim.sim import BackendSpec, Fault, Simulation, SimulationSpec, StrategySpec
from asyncsim.sim.distributions import Constant, Exponential
from asyncsim.sim.layers.timeout import TimeoutSpec
from asyncsim.sim.outcome import Status
from asyncsim.sim.workload.compose import compose
from asyncsim.sim.workload.load.arrivals import ArrivalSpec
from asyncsim.sim.workload.load.models import OpenLoad
from asyncsim.sim.workload.units.request import PlainRequest


def _run(backend: BackendSpec, rate: float = 5.0, duration: float = 200.0,
         layers: tuple = ()) -> object:  # type: ignore[type-arg]
    spec = SimulationSpec(seed=5, duration_s=duration, warmup_s=0.0, backends=(backend,),
                          workload=compose(OpenLoad(ArrivalSpec(rate)), PlainRequest(backend.name)))
    return Simulation(spec, StrategySpec("s", layers), 0).run()


def test_a_client_timeout_does_not_cancel_server_work() -> None:
    backend = BackendSpec("api", 1, Exponential(0.18))
    plain = _run(backend)
    timed = _run(backend, layers=(TimeoutSpec(0.1),))
    assert timed.backends["api"].calls == plain.backends["api"].calls
    assert timed.backends["api"].utilisation == plain.backends["api"].utilisation
    statuses = timed.requests["status"]
    assert np.mean(statuses == Status.TIMEOUT) > 0.5  # rho 0.9: mean response 1.8 s
    assert timed.requests["latency_s"].max() <= 0.1 + 1e-12


def test_drop_expired_skips_abandoned_work() -> None:
    keep = _run(BackendSpec("api", 1, Exponential(0.25)), layers=(TimeoutSpec(0.3),))
    drop = _run(BackendSpec("api", 1, Exponential(0.25), drop_expired=True),
                layers=(TimeoutSpec(0.3),))
    assert drop.backends["api"].dropped > 0
    assert drop.backends["api"].served < keep.backends["api"].served
    assert drop.backends["api"].utilisation < keep.backends["api"].utilisation
    assert np.mean(drop.requests["status"] == Status.OK) > np.mean(
        keep.requests["status"] == Status.OK)


def test_queue_limit_rejects_overflow_at_once() -> None:
    result = _run(BackendSpec("api", 1, Constant(1.0), queue_limit=2), rate=3.0)
    rejected = result.requests["status"] == Status.REJECTED
    assert rejected.any()
    assert np.all(result.requests["latency_s"][rejected] == 0.0)
    assert np.all(result.requests["latency_s"][~rejected] <= 3.0 + 1e-9)


def _share_in(result, status: Status, start: float, end: float) -> float:  # type: ignore[no-untyped-def]
    t = result.requests["t_start_s"]
    inside = (t >= start) & (t < end)
    return float(np.mean(result.requests["status"][inside] == status))


def test_outage_and_error_burst_only_in_their_windows() -> None:
    outage = _run(BackendSpec("api", 4, Constant(0.01),
                              faults=(Fault("outage", 50.0, 20.0),)))
    assert _share_in(outage, Status.ERROR, 50.0, 70.0) == 1.0
    assert _share_in(outage, Status.ERROR, 0.0, 49.9) == 0.0
    assert _share_in(outage, Status.ERROR, 70.1, 200.0) == 0.0
    burst = _run(BackendSpec("api", 4, Constant(0.01),
                             faults=(Fault("error_burst", 100.0, 100.0, error_rate=0.5),)))
    assert 0.4 < _share_in(burst, Status.ERROR, 100.0, 200.0) < 0.6
    assert _share_in(burst, Status.ERROR, 0.0, 99.9) == 0.0


def test_slowdown_multiplies_service_time_in_its_window() -> None:
    result = _run(BackendSpec("api", 100, Constant(0.01),
                              faults=(Fault("slowdown", 50.0, 50.0, factor=7.0),)))
    t, latency = result.requests["t_start_s"], result.requests["latency_s"]
    assert np.allclose(latency[(t > 51) & (t < 99)], 0.07)
    assert np.allclose(latency[(t < 49) | (t > 101)], 0.01)


def test_capacity_drop_to_zero_holds_calls_until_it_ends() -> None:
    result = _run(BackendSpec("api", 2, Constant(0.01),
                              faults=(Fault("capacity_drop", 50.0, 10.0, workers=0),)))
    t, latency = result.requests["t_start_s"], result.requests["latency_s"]
    during = (t > 50.05) & (t < 60)
    assert np.allclose(t[during] + latency[during], 60.0, atol=0.5)
    assert np.allclose(latency[t > 62], 0.01)
