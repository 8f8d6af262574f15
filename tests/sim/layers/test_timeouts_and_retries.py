"""Retries, timeouts, deadlines and drop_expired together, on the real backend.

The point of the model: a client timeout abandons an attempt but the server keeps the work
unless it drops expired calls, and it can only drop them if the deadline travels with the
call."""

from __future__ import annotations

from typing import Any

import pytest
import simpy

from asyncsim.sim.backend import Backend, BackendSpec
from asyncsim.sim.data import StaticData
from asyncsim.sim.distributions import Constant
from asyncsim.sim.engine import RandomStreams
from asyncsim.sim.layers.base import BuildContext, LayerSpec, build_chain
from asyncsim.sim.layers.retry.backoff import BackoffSpec
from asyncsim.sim.layers.retry.layer import RetrySpec
from asyncsim.sim.layers.timeout import TimeoutSpec
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.record import TimeSeries
from asyncsim.sim.request import Request

IMMEDIATE = BackoffSpec("constant", 0.0)


def run_one(layers: tuple[LayerSpec, ...], backend: BackendSpec) -> tuple[Outcome, float,
                                                                          Backend, list[Any]]:
    """One request at t=0 through ``layers`` over ``backend``; the run goes on until the
    server has nothing left to do."""
    env = simpy.Environment()
    streams = RandomStreams(1, 0)
    series = TimeSeries(1.0, 100)
    server = Backend(env, backend, streams, series)
    ctx = BuildContext(env, streams, "s", series, StaticData(), 0.0, 100.0)
    call, built = build_chain(layers, ctx, server.call)
    process = env.process(call(Request(0, 0, 0, 0.0, "api")))
    env.run(process)
    answered = env.now
    env.run()
    return process.value, answered, server, built


def one_worker(drop_expired: bool) -> BackendSpec:
    return BackendSpec("api", 1, Constant(1.0), drop_expired=drop_expired)


@pytest.mark.parametrize(("drop_expired", "propagate", "busy_s", "dropped"), [
    (False, True, 3.0, 0),   # the server does all three attempts: 3 s for nobody
    (True, False, 3.0, 0),   # it could drop them, but no deadline came with the calls
    (True, True, 2.0, 1),    # attempt 2 expired in the queue and was skipped
])
def test_abandoned_attempts_keep_server_work_unless_dropped(
        drop_expired: bool, propagate: bool, busy_s: float, dropped: int) -> None:
    # attempts at 0, 0.4, 0.8 (each abandoned after 0.4 s); the worker serves one per second
    layers = (RetrySpec(3, IMMEDIATE), TimeoutSpec(0.4, propagate=propagate))
    outcome, answered, server, _ = run_one(layers, one_worker(drop_expired))
    assert (outcome.status, outcome.attempts, answered) == (Status.TIMEOUT, 3,
                                                             pytest.approx(1.2))
    assert server.busy_gauge.area_at(server.env.now) == pytest.approx(busy_s)
    assert server.stats.dropped == dropped
    assert server.stats.calls == 3


def test_a_deadline_above_retry_stops_retries_that_cannot_start_in_time() -> None:
    failing = BackendSpec("api", 1, Constant(0.0), error_rate=1.0)
    layers = (TimeoutSpec(1.0, kind="deadline"), RetrySpec(10, BackoffSpec("constant", 0.3)))
    outcome, answered, server, built = run_one(layers, failing)
    # attempts at 0, 0.3, 0.6, 0.9; a fifth at 1.2 would start after the deadline
    assert (outcome.status, outcome.attempts) == (Status.ERROR, 4)
    assert answered == pytest.approx(0.9)
    assert server.stats.calls == 4
    assert built[1].counters["deadline_stops"] == 1


def test_a_deadline_bounds_each_attempt_timeout_below_it() -> None:
    slow = BackendSpec("api", 10, Constant(5.0))
    layers = (TimeoutSpec(1.0, kind="deadline"), RetrySpec(10, IMMEDIATE), TimeoutSpec(0.7))
    outcome, answered, server, built = run_one(layers, slow)
    # attempt 1 times out at 0.7; attempt 2 inherits the deadline (1.0) and is cut there
    assert outcome.status == Status.TIMEOUT and answered == pytest.approx(1.0)
    assert built[0].counters["timeouts"] == 1
    assert server.stats.calls == 2
