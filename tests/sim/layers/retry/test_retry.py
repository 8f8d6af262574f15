"""The retry layer over a scripted backend: when it retries, how long it waits, what stops
it (attempts, budget, throttle, deadline, the end of the run), and what it reports."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asyncsim.sim.layers.retry.backoff import BackoffSpec
from asyncsim.sim.layers.retry.budget import (
    ConcurrencyBudget,
    ConcurrencyBudgetSpec,
    RateBudget,
    RateBudgetSpec,
    TokenThrottle,
    TokenThrottleSpec,
)
from asyncsim.sim.layers.retry.layer import RUNAWAY_TRIES, RetrySpec
from asyncsim.sim.outcome import Status
from tests.sim.layers.scripted_backend import Bench

OK, ERROR, TIMEOUT, REJECTED = Status.OK, Status.ERROR, Status.TIMEOUT, Status.REJECTED
CONSTANT_1S = BackoffSpec("constant", 1.0)


def test_retries_until_success_and_sums_attempts() -> None:
    bench = Bench(RetrySpec(3, CONSTANT_1S), [ERROR, TIMEOUT, OK])
    outcome, finished = bench.run()
    assert outcome.status == OK and outcome.attempts == 3
    assert bench.backend.arrivals == [0.0, 1.0, 2.0]
    assert finished == 2.0
    counters = bench.layer.counters
    assert (counters["retries"], counters["retry_calls"], counters["calls"]) == (2, 2, 1)


def test_gives_up_after_max_attempts_with_the_last_failure() -> None:
    bench = Bench(RetrySpec(3, CONSTANT_1S), [ERROR, ERROR, REJECTED, OK])
    outcome, _ = bench.run()
    assert outcome.status == REJECTED and outcome.attempts == 3
    assert bench.layer.counters["exhausted"] == 1


def test_failures_not_in_retry_on_are_returned_at_once() -> None:
    bench = Bench(RetrySpec(3, CONSTANT_1S, retry_on=frozenset({ERROR})), [REJECTED])
    outcome, finished = bench.run()
    assert (outcome.status, outcome.attempts, finished) == (REJECTED, 1, 0.0)


def test_a_success_passes_through_without_yielding() -> None:
    bench = Bench(RetrySpec(3, CONSTANT_1S), [OK])
    generator = bench.layer.call(bench.request())
    with pytest.raises(StopIteration) as stop:
        generator.send(None)
    assert stop.value.value.status == OK


def test_exponential_backoff_waits_base_then_doubles() -> None:
    bench = Bench(RetrySpec(4, BackoffSpec("exponential", 0.1, 2.0)), [ERROR] * 3, 0.01)
    bench.run()
    starts = bench.backend.arrivals
    waits = [b - (a + 0.01) for a, b in itertools.pairwise(starts)]
    assert waits == pytest.approx([0.1, 0.2, 0.4])


def test_server_pushback_sets_the_wait_and_restarts_the_backoff() -> None:
    spec = RetrySpec(5, BackoffSpec("exponential", 0.1, 2.0), honour_retry_after=True)
    bench = Bench(spec, [ERROR, (ERROR, 0.0, 3.0), ERROR, ERROR])
    bench.run()
    # waits: backoff 1 (0.1), pushback 3.0, backoff 1 again (0.1), backoff 2 (0.2)
    assert bench.backend.arrivals == pytest.approx([0.0, 0.1, 3.1, 3.2, 3.4])
    assert bench.layer.counters["pushbacks"] == 1


def test_pushback_is_ignored_unless_honoured() -> None:
    bench = Bench(RetrySpec(2, BackoffSpec("constant", 0.1)), [(ERROR, 0.0, 3.0)])
    bench.run()
    assert bench.backend.arrivals == pytest.approx([0.0, 0.1])


def test_no_retry_that_could_not_start_before_the_deadline() -> None:
    bench = Bench(RetrySpec(5, CONSTANT_1S), [ERROR] * 5)
    outcome, finished = bench.run(bench.request(deadline=1.5))
    assert (outcome.status, outcome.attempts, finished) == (ERROR, 2, 1.0)
    assert bench.layer.counters["deadline_stops"] == 1


def test_unlimited_retries_stop_at_the_end_of_the_run() -> None:
    bench = Bench(RetrySpec(math.inf, CONSTANT_1S), [ERROR] * 100, duration_s=10.0)
    outcome, finished = bench.run()
    assert outcome.status == ERROR and finished == 10.0 and outcome.attempts == 11
    assert bench.layer.counters["stopped_at_end"] == 1


def test_zero_time_failures_with_zero_backoff_cannot_loop_forever() -> None:
    bench = Bench(RetrySpec(math.inf, BackoffSpec("constant", 0.0)), [ERROR] * (RUNAWAY_TRIES + 5))
    outcome, finished = bench.run()
    assert outcome.status == ERROR and finished == 0.0
    assert bench.layer.counters["runaway"] == 1


def test_jitter_draws_differ_between_clients_failing_together() -> None:
    spec = RetrySpec(2, BackoffSpec("exponential", 1.0, jitter="full"))
    bench = Bench(spec, [ERROR, ERROR])
    for client in (0, 1):
        bench.start(bench.request(client))
    bench.env.run()
    first, second = bench.backend.arrivals[2:]
    assert first != second


def test_a_denied_retry_ends_the_request() -> None:
    spec = RetrySpec(5, CONSTANT_1S, gates=(TokenThrottleSpec(max_tokens=4, token_ratio=0.5),))
    bench = Bench(spec, [ERROR] * 5)
    outcome, _ = bench.run()
    # tokens 4 -> 3 (retry, 3 > 2) -> 2 (2 > 2 is false: denied)
    assert outcome.attempts == 2
    assert bench.layer.counters["denied"] == 1


@pytest.mark.parametrize(("per_client", "expected"), [(False, 1), (True, 2)])
def test_scope_decides_whose_budget_it_is(per_client: bool, expected: int) -> None:
    spec = RetrySpec(5, CONSTANT_1S, gates=(TokenThrottleSpec(max_tokens=3, token_ratio=1),),
                     gates_per_client=per_client)
    bench = Bench(spec, [ERROR] * 10)
    for client in (0, 1):
        bench.start(bench.request(client))
    bench.env.run()
    # shared: 3 -> 2 -> 1 tokens after both first failures: one retry (2 > 1.5), then none
    assert bench.layer.counters["retries"] == expected


def test_rate_budget_allows_a_fraction_of_requests_plus_a_reserve() -> None:
    budget = RateBudget(RateBudgetSpec(fraction=0.2, min_per_s=1.0, ttl_s=10.0))
    for _ in range(100):
        budget.request_started(0.0)
    allowed = sum(budget.allow_retry(1.0) for _ in range(1000))
    assert allowed == 20 + 10  # 20% of 100 requests + 1/s over the 10 s ttl


def test_rate_budget_deposits_and_withdrawals_expire_after_ttl() -> None:
    budget = RateBudget(RateBudgetSpec(fraction=0.5, min_per_s=0.0, ttl_s=10.0))
    for _ in range(10):
        budget.request_started(0.0)
    assert sum(budget.allow_retry(0.5) for _ in range(100)) == 5
    assert not budget.allow_retry(5.0)
    assert not budget.allow_retry(11.0)  # deposits gone with the withdrawals
    budget.request_started(11.0)
    budget.request_started(11.0)
    assert budget.allow_retry(11.5) and not budget.allow_retry(11.5)


def test_concurrency_budget_counts_retries_in_progress() -> None:
    budget = ConcurrencyBudget(ConcurrencyBudgetSpec(fraction=0.5, min_concurrent=1))
    for _ in range(4):
        budget.request_started(0.0)
    assert budget.allow_retry(0.0)       # limit max(1, 0.5·4) = 2
    budget.retry_sent()
    budget.retry_sent()
    assert not budget.allow_retry(0.0)
    budget.retry_done()
    assert budget.allow_retry(0.0)
    for _ in range(4):
        budget.request_finished()
    assert budget.allow_retry(0.0) is False  # one still in progress, minimum 1


def test_token_throttle_follows_grpc_arithmetic() -> None:
    throttle = TokenThrottle(TokenThrottleSpec(max_tokens=10, token_ratio=0.1))
    for _ in range(5):
        throttle.attempt_done(ok=False, counted_failure=True)
    assert throttle.tokens == 5 and not throttle.allow_retry(0.0)
    throttle.attempt_done(ok=True, counted_failure=False)
    assert throttle.tokens == pytest.approx(5.1) and throttle.allow_retry(0.0)
    throttle.attempt_done(ok=False, counted_failure=False)  # not retryable: no change
    assert throttle.tokens == pytest.approx(5.1)
    for _ in range(100):
        throttle.attempt_done(ok=True, counted_failure=False)
    assert throttle.tokens == 10


@given(events=st.lists(st.tuples(st.floats(0, 0.5), st.booleans()), min_size=1, max_size=300),
       fraction=st.floats(0.01, 2.0), min_per_s=st.floats(0, 5), ttl=st.floats(0.5, 20))
def test_rate_budget_never_goes_into_debt(events: list[tuple[float, bool]], fraction: float,
                                          min_per_s: float, ttl: float) -> None:
    budget = RateBudget(RateBudgetSpec(fraction, min_per_s, ttl))
    now = 0.0
    for gap, is_request in events:
        now += gap
        if is_request:
            budget.request_started(now)
        elif budget.allow_retry(now):
            assert budget._window.total(now) + budget._reserve >= -1e-6


@given(outcomes=st.lists(st.sampled_from(["ok", "fail", "other"]), max_size=200),
       max_tokens=st.floats(0.5, 1000), ratio=st.floats(0.001, 5))
def test_token_throttle_stays_between_zero_and_max(outcomes: list[str], max_tokens: float,
                                                   ratio: float) -> None:
    throttle = TokenThrottle(TokenThrottleSpec(max_tokens, ratio))
    for outcome in outcomes:
        throttle.attempt_done(outcome == "ok", outcome == "fail")
        assert 0 <= throttle.tokens <= max_tokens
        assert throttle.allow_retry(0.0) == (throttle.tokens > max_tokens / 2)
