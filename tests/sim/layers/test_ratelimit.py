"""Rate limiter: token bucket with reserved waits."""

from __future__ import annotations

import pytest

from asyncsim.scenarios.items.layers.ratelimit import RateLimitConfig
from asyncsim.sim.layers.ratelimit import RateLimitSpec
from asyncsim.sim.outcome import Status
from tests.sim.layers.harness import OK, REJECTED, Bench


def test_burst_then_one_token_per_period() -> None:
    bench = Bench(RateLimitSpec(rate_per_s=10.0, burst=5))
    assert [o.status for o in bench.many(6)] == [OK] * 5 + [REJECTED]
    bench.advance_to(0.05)
    assert bench.now().status == REJECTED
    bench.advance_to(0.1)
    assert bench.now().status == OK
    bench.advance_to(10.0)                          # refills to the burst, no more
    assert [o.status for o in bench.many(6)] == [OK] * 5 + [REJECTED]
    assert bench.layer.counters["rejected"] == 3


def run_at_once(bench: Bench, count: int) -> list[tuple[float, Status]]:
    """Start ``count`` calls at time 0; (time the call got through or was refused, status)."""
    done: list[tuple[float, Status]] = []

    def one():  # type: ignore[no-untyped-def]
        outcome = yield from bench.layer.call(bench.request())
        done.append((bench.env.now, outcome.status))

    for _ in range(count):
        bench.env.process(one())
    bench.advance_to(5.0)
    return sorted(done)


def test_waiting_callers_reserve_successive_tokens_up_to_max_wait() -> None:
    bench = Bench(RateLimitSpec(rate_per_s=10.0, burst=1, max_wait_s=0.25))
    done = run_at_once(bench, 5)
    assert [status for _, status in done] == [OK, REJECTED, REJECTED, OK, OK]
    assert [t for t, _ in done] == pytest.approx([0.0, 0.0, 0.0, 0.1, 0.2])
    assert bench.layer.counters["rejected"] == 2


def test_resilience4j_preset_is_effectively_unlimited() -> None:
    spec = RateLimitConfig.model_validate("resilience4j").to_spec()
    assert spec == RateLimitSpec(rate_per_s=1e8, burst=50, max_wait_s=5.0)
    done = run_at_once(Bench(spec), 1000)
    assert all(status == OK for _, status in done)
    assert done[-1][0] == pytest.approx(950 / 1e8)   # 50 at once, then 50 per 500 ns


def test_spec_refuses_a_zero_rate() -> None:
    with pytest.raises(ValueError, match="rate"):
        RateLimitSpec(rate_per_s=0.0)
