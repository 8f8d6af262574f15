"""Fan-out steps and tied requests on real backends, in a bare SimPy environment."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest
import simpy
from simpy.events import Event, Process, Timeout

from asyncsim.sim.backend import Backend, BackendSpec
from asyncsim.sim.distributions import Constant
from asyncsim.sim.engine import RandomStreams
from asyncsim.sim.fanout import FanOut, FanOutSpec
from asyncsim.sim.layers.base import BuildContext
from asyncsim.sim.layers.tied import TiedSpec
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.record import TimeSeries
from asyncsim.sim.request import Request


def _backend(env: simpy.Environment, name: str, workers: int, latency_s: float,
             error_rate: float = 0.0) -> Backend:
    return Backend(env, BackendSpec(name, workers, Constant(latency_s), error_rate=error_rate),
                   RandomStreams(1, 0), TimeSeries(1.0, 10))


def _ctx(env: simpy.Environment) -> BuildContext:
    from asyncsim.sim.data import StaticData
    return BuildContext(env, RandomStreams(1, 0), "s", TimeSeries(1.0, 10), StaticData(),
                        0.0, 10.0)


def _timed(env: simpy.Environment, call: Any, request: Request,
           out: list[tuple[float, Outcome]]) -> Generator[Event, Any, None]:
    outcome = yield from call(request)
    out.append((env.now, outcome))


@pytest.mark.parametrize(("k", "done_at"), [(1, 1.0), (2, 2.0), (3, 3.0)])
def test_a_fanout_ends_at_its_kth_success(k: int, done_at: float) -> None:
    env = simpy.Environment()
    leaves = [_backend(env, f"leaf{i}", 1, float(i + 1)) for i in range(3)]
    fanout = FanOut(env, FanOutSpec("leaf", n=3, k=k), [leaf.call for leaf in leaves])
    out: list[tuple[float, Outcome]] = []
    Process(env, _timed(env, fanout.call, Request(0, 0, 0, 0.0), out))
    env.run()
    assert [(t, o.status) for t, o in out] == [(done_at, Status.OK)]
    assert sum(leaf.stats.served for leaf in leaves) == 3   # stragglers are not cancelled


def test_a_fanout_fails_as_soon_as_k_is_out_of_reach() -> None:
    env = simpy.Environment()
    failing = _backend(env, "bad", 1, 0.5, error_rate=1.0)
    slow = _backend(env, "slow", 1, 5.0)
    fanout = FanOut(env, FanOutSpec("leaf", n=2, k=2), [failing.call, slow.call])
    out: list[tuple[float, Outcome]] = []
    Process(env, _timed(env, fanout.call, Request(0, 0, 0, 0.0), out))
    env.run()
    assert [(t, o.status) for t, o in out] == [(0.5, Status.ERROR)]


def test_k_above_n_is_refused() -> None:
    with pytest.raises(ValueError, match=r"1\.\.n"):
        FanOutSpec("leaf", n=3, k=4)


def _occupy(backend: Backend) -> Generator[Event, Any, None]:
    yield from backend.call(Request(99, 0, 0, 0.0))


def test_a_tied_copy_is_cancelled_when_its_twin_starts() -> None:
    env = simpy.Environment()
    backend = _backend(env, "api", 1, 1.0)
    tied = TiedSpec(0.1).build(_ctx(env), backend.call)
    Process(env, _occupy(backend))            # the worker is busy until 1.0
    out: list[tuple[float, Outcome]] = []
    Process(env, _timed(env, tied.call, Request(0, 0, 0, 0.0), out))
    env.run()
    # Primary waits, a copy joins the queue at 0.1; the primary starts at 1.0 and takes
    # the copy out of the queue: one service, answer at 2.0.
    assert [(t, o.status) for t, o in out] == [(2.0, Status.OK)]
    assert tied.counters == {"calls": 1, "copies": 1, "cancelled": 1}
    assert backend.stats.served == 2 and backend.stats.calls == 3
    assert not backend.queue


def test_no_copy_when_the_primary_started_before_the_delay() -> None:
    env = simpy.Environment()
    backend = _backend(env, "api", 1, 1.0)
    tied = TiedSpec(0.1).build(_ctx(env), backend.call)
    out: list[tuple[float, Outcome]] = []
    Process(env, _timed(env, tied.call, Request(0, 0, 0, 0.0), out))
    env.run()
    assert [(t, o.status) for t, o in out] == [(1.0, Status.OK)]
    assert tied.counters == {"calls": 1}
    assert backend.stats.calls == 1


def test_the_copy_at_a_free_server_wins() -> None:
    env = simpy.Environment()
    busy = _backend(env, "a", 1, 1.0)
    free = _backend(env, "b", 1, 1.0)
    routes = iter([busy, free])

    def balanced(request: Request) -> Generator[Event, Any, Outcome]:
        return (yield from next(routes).call(request))

    Process(env, _occupy(busy))
    tied = TiedSpec(0.1).build(_ctx(env), balanced)
    out: list[tuple[float, Outcome]] = []

    def later() -> Generator[Event, Any, None]:
        yield Timeout(env, 0.0)
        yield from _timed(env, tied.call, Request(0, 0, 0, 0.0), out)

    Process(env, later())
    env.run()
    assert [(t, o.status) for t, o in out] == [(1.1, Status.OK)]
    assert busy.stats.served == 1 and free.stats.served == 1   # the primary never served
    assert tied.counters["cancelled"] == 1
