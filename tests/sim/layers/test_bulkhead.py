"""Bulkhead: a concurrency cap with an optional bounded, time-limited FIFO wait."""

from __future__ import annotations

import math

import pytest

from asyncsim.scenarios.items.layers.bulkhead import BulkheadConfig
from asyncsim.sim.layers.bulkhead import BulkheadSpec
from asyncsim.sim.outcome import Status
from tests.sim.layers.harness import OK, REJECTED, Bench


def finish_times(bench: Bench, starts: list[float],
                 until: float) -> list[tuple[float, float, Status]]:
    """(start, finish, status) of calls started at ``starts``, sorted."""
    done: list[tuple[float, float, Status]] = []

    def one(t: float):  # type: ignore[no-untyped-def]
        yield bench.env.timeout(t)
        outcome = yield from bench.layer.call(bench.request())
        done.append((t, bench.env.now, outcome.status))

    for t in starts:
        bench.env.process(one(t))
    bench.advance_to(until)
    return sorted(done)


def test_rejects_at_once_beyond_the_limit_without_waiting() -> None:
    bench = Bench(BulkheadSpec(max_concurrent=2), latency_s=1.0)
    results = finish_times(bench, [0.0, 0.0, 0.0, 0.5, 1.5], until=5.0)
    assert results == [(0.0, 0.0, REJECTED), (0.0, 1.0, OK), (0.0, 1.0, OK),
                       (0.5, 0.5, REJECTED), (1.5, 2.5, OK)]
    assert bench.layer.counters["rejected"] == 2
    assert bench.backend.calls == 3


def test_rejection_returns_without_yielding() -> None:
    bench = Bench(BulkheadSpec(max_concurrent=1), latency_s=1.0)
    bench.at(0.0)
    bench.advance_to(0.5)
    assert bench.now().status == REJECTED


def test_waiters_take_freed_slots_in_order_up_to_the_queue_limit() -> None:
    bench = Bench(BulkheadSpec(max_concurrent=1, max_queue=2, max_wait_s=math.inf),
                  latency_s=1.0)
    results = finish_times(bench, [0.0, 0.1, 0.2, 0.3], until=10.0)
    assert results == [(0.0, 1.0, OK), (0.1, 2.0, OK), (0.2, 3.0, OK), (0.3, 0.3, REJECTED)]


def test_a_waiter_gives_up_after_max_wait() -> None:
    bench = Bench(BulkheadSpec(max_concurrent=1, max_wait_s=0.5), latency_s=1.0)
    results = finish_times(bench, [0.0, 0.2, 0.6], until=10.0)
    # 0.2 waits until 0.7 and is rejected; 0.6 gets the slot freed at 1.0
    assert results == [(0.0, 1.0, OK), (0.2, 0.7, REJECTED), (0.6, 2.0, OK)]
    assert bench.layer.active == 0 and not bench.layer.waiters


def test_presets() -> None:
    r4j = BulkheadConfig.model_validate({"preset": "resilience4j"}).to_spec()
    assert r4j == BulkheadSpec(max_concurrent=25, max_queue=None, max_wait_s=0.0)
    polly = BulkheadConfig.model_validate("polly-8").to_spec()
    assert polly == BulkheadSpec(max_concurrent=1000, max_queue=0, max_wait_s=0.0)
    override = BulkheadConfig.model_validate({"preset": "resilience4j", "max_wait": "1s"})
    assert override.to_spec() == BulkheadSpec(25, None, 1.0)


def test_spec_refuses_a_zero_limit() -> None:
    with pytest.raises(ValueError, match="max_concurrent"):
        BulkheadSpec(max_concurrent=0)
