"""The hedge layer over a scripted backend: when copies go out, who wins, what keeps
running, and the percentile trigger."""

from __future__ import annotations

import pytest

from asyncsim.sim.layers.hedge import HedgeSpec
from asyncsim.sim.outcome import Status
from tests.sim.layers.scripted_backend import Bench

OK, ERROR = Status.OK, Status.ERROR


def test_a_fast_answer_sends_no_copy() -> None:
    bench = Bench(HedgeSpec(delay_s=0.1), [(OK, 0.05)])
    outcome, finished = bench.run()
    assert (outcome.status, outcome.attempts, finished) == (OK, 1, 0.05)
    assert bench.backend.arrivals == [0.0]
    assert bench.layer.counters["hedges"] == 0


def test_a_slow_answer_is_hedged_and_the_first_success_wins() -> None:
    bench = Bench(HedgeSpec(delay_s=0.1), [(OK, 1.0), (OK, 0.2)])
    outcome, finished = bench.run()
    assert outcome.status == OK and finished == pytest.approx(0.3)
    assert bench.backend.arrivals == pytest.approx([0.0, 0.1])
    assert outcome.attempts == 2  # the primary is still running: counted as one call
    assert bench.layer.counters["hedge_wins"] == 1
    bench.env.run()  # the loser keeps going until its own answer
    assert bench.env.now == pytest.approx(1.0)


def test_copies_go_out_every_delay_up_to_max_extra() -> None:
    bench = Bench(HedgeSpec(delay_s=0.1, max_extra=2), [(OK, 1.0)] * 3)
    outcome, finished = bench.run()
    assert bench.backend.arrivals == pytest.approx([0.0, 0.1, 0.2])
    assert finished == pytest.approx(1.0) and outcome.attempts == 3
    assert bench.layer.counters["hedges"] == 2


def test_a_failure_sends_the_next_copy_at_once() -> None:
    bench = Bench(HedgeSpec(delay_s=1.0), [(ERROR, 0.05), (OK, 0.05)])
    outcome, finished = bench.run()
    assert bench.backend.arrivals == pytest.approx([0.0, 0.05])
    assert (outcome.status, finished) == (OK, pytest.approx(0.1))


def test_when_every_copy_fails_the_last_failure_is_returned() -> None:
    bench = Bench(HedgeSpec(delay_s=0.1), [(ERROR, 0.5), (ERROR, 0.1)])
    outcome, finished = bench.run()
    assert outcome.status == ERROR and outcome.attempts == 2
    assert finished == pytest.approx(0.5)


def test_zero_delay_sends_all_copies_at_once() -> None:
    bench = Bench(HedgeSpec(delay_s=0.0, max_extra=2), [(OK, 0.3), (OK, 0.2), (OK, 0.1)])
    _, finished = bench.run()
    assert bench.backend.arrivals == [0.0, 0.0, 0.0]
    assert finished == pytest.approx(0.1)


def test_percentile_mode_waits_for_samples_then_uses_the_observed_percentile() -> None:
    spec = HedgeSpec(percentile=50, min_samples=4, window=4, refresh_s=0.0)
    latencies = [0.1, 0.2, 0.3, 0.4]
    bench = Bench(spec, [(OK, x) for x in latencies] + [(OK, 5.0), (OK, 0.01)])
    for _ in latencies:
        bench.run()
    assert bench.layer.counters["hedges"] == 0  # not enough samples yet
    start = bench.env.now
    _, finished = bench.run()
    assert bench.backend.arrivals[-1] - start == pytest.approx(0.25)  # median of 0.1..0.4
    assert finished - start == pytest.approx(0.26)
