"""The breaker state machine, and each preset's trip behaviour (docs/library-defaults.md §1.5,
§1.6, §1.9, §1.11, §3), driven call by call against a scripted backend."""

from __future__ import annotations

import math

import pytest

from asyncsim.scenarios.items.layers.breaker import BreakerConfig
from asyncsim.sim.layers.base import PerClient
from asyncsim.sim.layers.breaker.layer import BreakerSpec, open_duration_s
from asyncsim.sim.outcome import Outcome, Status
from asyncsim.sim.request import Request
from tests.sim.layers.harness import ERROR, OK, TIMEOUT, Bench

SC = Status.SHORT_CIRCUITED


def preset(name: str, **fields: object) -> BreakerSpec:
    spec = BreakerConfig.model_validate({"preset": name, **fields}).to_spec()
    assert isinstance(spec, BreakerSpec)
    return spec


# ------------------------------------------------------------------------- pybreaker §1.11


def test_pybreaker_trips_on_exactly_five_consecutive_failures() -> None:
    bench = Bench(preset("pybreaker"), [ERROR] * 4 + [OK] + [ERROR] * 5)
    outcomes = bench.many(10)
    assert [o.status for o in outcomes] == [ERROR] * 4 + [OK] + [ERROR] * 5
    assert bench.layer.counters["trips"] == 1  # 4 failures and a success reset the count
    refused = bench.now()
    assert refused.status == SC and refused.attempts == 0
    assert bench.backend.calls == 10
    assert bench.layer.counters["short_circuited"] == 1


def test_short_circuit_returns_without_yielding() -> None:
    bench = Bench(preset("pybreaker"), [ERROR] * 5, latency_s=1.0)
    for t in range(5):
        bench.at(float(t))
    bench.advance_to(10.0)
    generator = bench.layer.call(bench.request())
    with pytest.raises(StopIteration) as stop:
        generator.send(None)
    assert stop.value.value.status == SC


def test_pybreaker_stays_open_sixty_seconds_then_admits_every_concurrent_call() -> None:
    bench = Bench(preset("pybreaker"), [ERROR] * 5, latency_s=1.0)
    for t in range(5):
        bench.at(float(t))           # the 5th failure ends at t = 5: open until 65
    bench.at(64.9)                   # refused
    for _ in range(20):
        bench.at(65.0)               # half-open: pybreaker admits them all
    bench.advance_to(100.0)
    statuses = [o.status for o in bench.outcomes]
    assert statuses[5] == SC
    assert statuses[6:] == [OK] * 20
    assert bench.backend.calls == 25
    counters = bench.layer.counters
    assert (counters["trips"], counters["half_opens"], counters["closes"]) == (1, 1, 1)


def test_pybreaker_first_failure_in_half_open_reopens() -> None:
    bench = Bench(preset("pybreaker"), [ERROR] * 6)
    bench.many(5)
    bench.advance_to(60.0)
    assert bench.now().status == ERROR   # the trial call fails
    assert bench.now().status == SC
    assert bench.layer.counters["reopens"] == 1
    bench.advance_to(119.9)
    assert bench.now().status == SC      # a full 60 s again
    bench.advance_to(120.0)
    assert bench.now().status == OK      # one success closes (success_threshold 1)
    assert bench.layer.counters["closes"] == 1


# ---------------------------------------------------------------------- resilience4j §1.5


def test_resilience4j_waits_for_100_calls_then_trips_at_50_percent() -> None:
    bench = Bench(preset("resilience4j"), [OK] * 50 + [ERROR] * 49)
    bench.many(99)                                   # 49 % of 99 calls: below minimum
    assert bench.layer.counters["trips"] == 0
    bench.backend.then(ERROR)
    bench.now()                                      # 50 of 100 calls failed
    assert bench.layer.counters["trips"] == 1
    assert bench.now().status == SC


def test_resilience4j_below_the_minimum_never_trips_even_at_100_percent() -> None:
    bench = Bench(preset("resilience4j"), [ERROR] * 99)
    bench.many(99)
    assert bench.layer.counters["trips"] == 0


def test_resilience4j_count_window_slides_over_the_last_100_calls() -> None:
    bench = Bench(preset("resilience4j"), [OK] + [ERROR] * 49 + [OK] * 50)
    bench.many(100)            # 49 %
    assert bench.layer.counters["trips"] == 0
    bench.backend.then(ERROR)
    bench.now()                # the first success leaves the window: 50 of the last 100
    assert bench.layer.counters["trips"] == 1


def test_resilience4j_half_open_admits_ten_and_judges_them_as_a_window() -> None:
    bench = Bench(preset("resilience4j"), [ERROR] * 100, latency_s=0.5)
    for i in range(100):
        bench.at(i * 0.01)
    bench.advance_to(59.0)
    assert bench.layer.counters["trips"] == 1
    opened = 0.99 + 0.5                             # the 100th failure completes
    bench.backend.then(*([ERROR] * 5 + [OK] * 5))   # 50 % of the trial fails
    for _ in range(11):
        bench.at(opened + 60.0)
    bench.advance_to(opened + 70.0)
    trial = [o.status for o in bench.outcomes[100:]]
    assert trial.count(SC) == 1 and len(trial) == 11
    assert bench.layer.counters["reopens"] == 1     # 50 % >= 50 %: open again


def test_resilience4j_trial_below_threshold_closes() -> None:
    bench = Bench(preset("resilience4j"), [ERROR] * 100)
    bench.many(100)
    bench.advance_to(60.0)
    bench.backend.then(*([ERROR] * 4 + [OK] * 6))
    bench.many(9)
    assert bench.layer.counters["closes"] == 0      # judged only after all 10
    bench.now()
    assert bench.layer.counters["closes"] == 1


def test_resilience4j_slow_calls_trip_at_100_percent_over_60_seconds() -> None:
    bench = Bench(preset("resilience4j"), latency_s=60.5)
    for i in range(100):
        bench.at(i * 0.01)                          # 100 slow successes
    bench.advance_to(61.5)
    assert bench.layer.counters["trips"] == 1
    assert all(o.status == OK for o in bench.outcomes)


def test_resilience4j_max_wait_in_half_open_reopens_a_stuck_trial() -> None:
    bench = Bench(preset("resilience4j", half_open_max_wait="5s"), [ERROR] * 100)
    bench.many(100)
    bench.backend.latency_s = 1000.0                # probes that never come back in time
    for _ in range(10):
        bench.at(60.0)
    bench.at(64.0)
    bench.at(65.0)                                  # the trial ran out at 65: open again
    bench.advance_to(200.0)
    counters = bench.layer.counters
    assert counters["reopens"] == 1
    assert bench.backend.calls == 110


def test_resilience4j_without_max_wait_a_stuck_trial_stays_half_open() -> None:
    """resilience4j#903: maxWaitDurationInHalfOpenState = 0 waits forever."""
    bench = Bench(preset("resilience4j"), [ERROR] * 100)
    bench.many(100)
    bench.backend.latency_s = 1e6
    for t in (60.0, *(float(t) for t in range(61, 500))):
        bench.at(t)
    bench.advance_to(600.0)
    assert bench.backend.calls == 110
    assert bench.layer.counters["reopens"] == 0
    assert sum(o.status == SC for o in bench.outcomes) == 430


# --------------------------------------------------------------------------- Polly v8 §1.6


def test_polly_needs_100_calls_of_throughput_in_30_seconds() -> None:
    bench = Bench(preset("polly-8"), [ERROR] * 99)
    bench.many(99)
    assert bench.layer.counters["trips"] == 0
    bench.backend.then(ERROR)
    bench.now()
    assert bench.layer.counters["trips"] == 1


def test_polly_trips_at_a_failure_ratio_of_10_percent() -> None:
    below = Bench(preset("polly-8"), [OK] * 91 + [ERROR] * 9)
    below.many(100)
    assert below.layer.counters["trips"] == 0
    at = Bench(preset("polly-8"), [OK] * 90 + [ERROR] * 10)
    at.many(100)
    assert at.layer.counters["trips"] == 1


def test_polly_window_forgets_calls_older_than_30_seconds() -> None:
    bench = Bench(preset("polly-8"), [ERROR] * 120)
    bench.many(60)
    bench.advance_to(33.0)   # past 30 s and a whole 3-s bucket: the first 60 are gone
    bench.many(60)
    assert bench.layer.counters["trips"] == 0


def test_polly_half_open_lets_one_probe_through_per_break_duration() -> None:
    bench = Bench(preset("polly-8"), [ERROR] * 100)
    bench.many(100)                                 # open at 0 for 5 s
    bench.backend.latency_s = 100.0                 # the probe hangs
    bench.at(4.9)
    bench.at(5.0)                                   # the probe
    bench.at(6.0)                                   # refused: probe unresolved
    bench.at(10.0)                                  # another break duration: a new probe
    bench.at(10.5)
    bench.advance_to(12.0)
    assert bench.backend.calls == 102
    assert [o.status for o in bench.outcomes] == [SC, SC, SC]


# ----------------------------------------------------------------------- Finagle §1.9


def test_finagle_trips_when_success_rate_falls_below_80_percent_of_5_or_more() -> None:
    one_in_five = Bench(preset("finagle"), [OK] * 4 + [ERROR])
    one_in_five.many(5)        # success rate exactly 0.8: not below
    assert one_in_five.layer.counters["trips"] == 0
    two_in_five = Bench(preset("finagle"), [OK] * 3 + [ERROR] * 2)
    two_in_five.many(5)
    assert two_in_five.layer.counters["trips"] == 1
    too_few = Bench(preset("finagle"), [ERROR] * 4)
    too_few.many(4)
    assert too_few.layer.counters["trips"] == 0


def test_finagle_also_trips_on_five_consecutive_failures() -> None:
    bench = Bench(preset("finagle"), [OK] * 100 + [ERROR] * 5)
    bench.many(100)
    bench.advance_to(29.5)                          # the successes are still in the window
    bench.many(4)
    assert bench.layer.counters["trips"] == 0       # 4 of 104: success rate 0.96
    bench.now()
    assert bench.layer.counters["trips"] == 1


def test_finagle_marks_dead_with_equal_jittered_backoff_from_5_to_300_seconds() -> None:
    spec = preset("finagle")
    assert open_duration_s(spec, 0, 0.99) == 5.0     # the first is exactly start
    for opens, low in ((1, 5.0), (2, 10.0), (3, 20.0), (6, 160.0)):
        assert open_duration_s(spec, opens, 0.0) == low
        assert open_duration_s(spec, opens, 0.999) == pytest.approx(min(300.0, 1.999 * low))
    assert open_duration_s(spec, 7, 0.0) == 300.0
    assert open_duration_s(spec, 5000, 0.5) == 300.0


def test_finagle_probe_failure_reopens_for_a_jittered_longer_time() -> None:
    bench = Bench(preset("finagle"), [ERROR] * 6)
    bench.many(5)
    assert bench.now().status == SC
    bench.advance_to(5.0)
    assert bench.now().status == ERROR              # the one probe fails
    layer = bench.layer
    assert 5.0 <= layer.open_s < 10.0 and layer.open_until == 5.0 + layer.open_s


def test_equal_jitter_draws_differ_between_clients() -> None:
    durations = set()
    for client in range(5):
        bench = Bench(preset("finagle"), [ERROR] * 6, client=client)
        bench.many(5)
        bench.advance_to(5.0)
        bench.now()
        durations.add(bench.layer.open_s)
    assert len(durations) == 5


# ----------------------------------------------------------------------- general semantics


def test_open_time_grows_by_multiplier_up_to_the_cap() -> None:
    spec = BreakerSpec(open_s=10.0, open_multiplier=2.0, open_max_s=60.0)
    assert [open_duration_s(spec, n, 0.5) for n in range(6)] == [10, 20, 40, 60, 60, 60]


def test_growing_open_time_resets_after_a_close() -> None:
    bench = Bench(BreakerSpec(consecutive_failures=1, open_s=1.0, open_multiplier=3.0),
                  [ERROR, ERROR, ERROR])
    bench.now()
    bench.advance_to(1.0)
    bench.now()                                     # reopen: 3 s
    assert bench.layer.open_s == 3.0
    bench.advance_to(4.0)
    bench.now()                                     # reopen: 9 s
    assert bench.layer.open_s == 9.0
    bench.advance_to(13.0)
    assert bench.now().status == OK                 # closes
    bench.backend.then(ERROR)
    bench.now()                                     # a new trip starts from 1 s
    assert bench.layer.open_s == 1.0


def test_failure_on_decides_what_counts() -> None:
    default = Bench(BreakerSpec(consecutive_failures=3), [TIMEOUT, Status.REJECTED, ERROR])
    default.many(3)
    assert default.layer.counters["trips"] == 1
    errors_only = BreakerSpec(consecutive_failures=3, failure_statuses=frozenset({ERROR}))
    bench = Bench(errors_only, [ERROR, ERROR, TIMEOUT, ERROR])
    bench.many(3)
    assert bench.layer.counters["trips"] == 0       # a timeout is neither here
    bench.now()
    assert bench.layer.counters["trips"] == 1       # ... nor does it reset the count


def test_calls_admitted_before_the_trip_do_not_judge_the_trial() -> None:
    bench = Bench(BreakerSpec(consecutive_failures=1, open_s=1.0), [ERROR, OK, ERROR])
    bench.backend.latencies = [1.0, 5.0, 10.0]
    bench.at(0.0)          # fails at 1: open until 2
    bench.at(0.5)          # admitted while closed, succeeds at 5.5, during the trial
    bench.at(2.0)          # the probe, fails at 12
    bench.advance_to(6.0)
    assert bench.layer.state == 2 and bench.layer.counters["closes"] == 0
    bench.advance_to(13.0)
    assert bench.layer.counters["reopens"] == 1


def test_open_time_is_accounted_in_the_measured_window_and_per_bin() -> None:
    bench = Bench(BreakerSpec(consecutive_failures=1, open_s=30.0), [ERROR],
                  duration_s=100.0, warmup_s=20.0)
    bench.advance_to(10.0)
    bench.now()                                     # open 10..40; measured from 20
    bench.advance_to(50.0)
    bench.now()                                     # half-open 40..50, then closed
    bench.layer.close(100.0)
    counters = bench.layer.counters
    assert counters["open_us"] == 20_000_000
    assert counters["half_open_us"] == 10_000_000
    assert counters["measured_us"] == 80_000_000
    open_share = bench.series.averages["breaker_open:api:0"]
    assert open_share[10:40].tolist() == [1.0] * 30   # bins of 1 s
    assert open_share[:10].sum() == 0 and open_share[40:].sum() == 0
    assert bench.series.counts["breaker_trips:api:0"][10] == 1


def test_open_at_the_end_counts_only_until_its_timer_ran_out() -> None:
    bench = Bench(BreakerSpec(consecutive_failures=1, open_s=30.0), [ERROR], duration_s=100.0)
    bench.advance_to(80.0)
    bench.now()
    bench.layer.close(100.0)
    assert bench.layer.counters["open_us"] == 20_000_000
    bench = Bench(BreakerSpec(consecutive_failures=1, open_s=5.0), [ERROR], duration_s=100.0)
    bench.advance_to(80.0)
    bench.now()
    bench.layer.close(100.0)
    assert bench.layer.counters["open_us"] == 5_000_000
    assert bench.layer.counters["half_open_us"] == 15_000_000


@pytest.mark.parametrize("bad", [
    {"window": "consecutive", "consecutive_failures": None},
    {"window": "count"},
    {"window": "count", "failure_rate_pct": 0.0},
    {"window": "count", "failure_rate_pct": 101.0},
    {"half_open_calls": 0},
    {"window_size": 0},
    {"open_s": 0.0},
    {"open_multiplier": 0.5},
])
def test_spec_refuses_contradictions(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        BreakerSpec(**bad)  # type: ignore[arg-type]


def test_unlimited_open_growth_does_not_overflow() -> None:
    spec = BreakerSpec(open_s=1.0, open_multiplier=10.0)
    assert open_duration_s(spec, 2000, 0.0) == math.inf


def test_per_client_breakers_trip_independently() -> None:
    bench = Bench(BreakerSpec(consecutive_failures=2, open_s=10.0), [ERROR, ERROR, ERROR])
    per_client = PerClient(BreakerSpec(consecutive_failures=2, open_s=10.0), bench.ctx,
                           bench.backend)

    def call(client: int) -> Status:
        generator = per_client.call(Request(0, 0, client, bench.env.now))
        with pytest.raises(StopIteration) as stop:
            generator.send(None)
        outcome: Outcome = stop.value.value
        return outcome.status

    assert [call(0), call(0), call(0)] == [ERROR, ERROR, SC]   # client 0 tripped
    assert call(1) == ERROR                                     # client 1 has its own
    assert call(1) == OK and call(0) == SC
