"""The recovery analysis (reports/metrics/recovery.py) on timelines worked out by hand,
its invariants on random ones, and the Wilson interval over replications."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncsim.reports.metrics.recovery import FaultRecovery, fault_labels
from asyncsim.reports.metrics.recovery import analyse as analyse_view
from asyncsim.reports.metrics.registry import RecoverySettings, RunView
from asyncsim.reports.stats import wilson_ci95
from asyncsim.sim.measure.histogram import RELATIVE_ERROR
from asyncsim.sim.outcome import Status
from asyncsim.sim.simulation import FaultWindow, RunResult
from tests.helpers import run_yaml, value

FAULT = (FaultWindow("api", "outage", 50.05, 70.05),)


def analyse(starts: np.ndarray, latency: np.ndarray, ok: np.ndarray,
            faults: tuple[FaultWindow, ...], warmup_s: float, end_s: float,
            settings: RecoverySettings) -> list[FaultRecovery]:
    """The analysis of a hand-made run with these requests (its summaries are built from
    them, binned for ``settings``' grid)."""
    requests = {"t_start_s": starts, "latency_s": latency,
                "status": np.where(ok, int(Status.OK), int(Status.ERROR)).astype(np.int8),
                "source": np.ones(len(starts), np.int8), "attempts": np.ones(len(starts), np.int32),
                "version": np.full(len(starts), -1, np.int32),
                "stale_s": np.full(len(starts), np.nan, np.float32)}
    result = RunResult("s", 0, requests, {}, (), end_s / 200, {}, {}, warmup_s, end_s, end_s,
                       0, 0.0, 0.0, faults=faults)
    return analyse_view(RunView(result, settings))


def _timeline(bad_until_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A request every 100 ms from 0.1 s to 100 s, 10 ms each; those started in the fault
    and up to ``bad_until_s`` fail (with 10 ms too)."""
    starts = np.round(np.arange(1, 1001) * 0.1, 10)
    ok = ~((starts >= 50.05) & (starts < bad_until_s))
    return starts, np.full(len(starts), 0.01), ok


def test_a_clean_end_recovers_at_once() -> None:
    starts, latency, ok = _timeline(70.05)
    [found] = analyse(starts, latency, ok, FAULT, 10.0, 100.0, RecoverySettings())
    assert found.label == "api#1"
    assert found.baseline_goodput == pytest.approx(401 / 40.05)   # 10.0 .. 50.0
    assert found.baseline_p99_s == pytest.approx(0.01, rel=RELATIVE_ERROR)  # a histogram's
    assert found.recovered and found.recovery_time_s == 0.0


def test_failures_after_the_fault_delay_recovery_by_whole_steps() -> None:
    """Six more failures (70.1 .. 70.6): with a 5% tolerance the window from 70.05 has
    94 successes in 10 s (9.4/s < 0.95 x 10.01/s); the one from 71.05 has 100."""
    starts, latency, ok = _timeline(70.65)
    [found] = analyse(starts, latency, ok, FAULT, 10.0, 100.0,
                      RecoverySettings(tolerance=0.05))
    assert found.recovered and found.recovery_time_s == pytest.approx(1.0)
    [lax] = analyse(starts, latency, ok, FAULT, 10.0, 100.0, RecoverySettings(tolerance=0.2))
    assert lax.recovery_time_s == 0.0


def test_slow_answers_count_against_recovery() -> None:
    """Goodput is back but p99 is 3x the baseline until 80 s: recovered at 80.05."""
    starts, latency, ok = _timeline(70.05)
    latency[(starts >= 70.05) & (starts < 80.0)] = 0.03
    [found] = analyse(starts, latency, ok, FAULT, 10.0, 100.0, RecoverySettings())
    assert found.recovery_time_s == pytest.approx(10.0)


def test_no_recovery_is_metastable_and_censored_at_the_end() -> None:
    starts, latency, ok = _timeline(95.0)
    [found] = analyse(starts, latency, ok, FAULT, 10.0, 100.0, RecoverySettings())
    assert not found.recovered
    assert found.recovery_time_s == pytest.approx(100.0 - 70.05)


def test_a_fault_without_a_baseline_or_past_the_end_is_not_judged() -> None:
    starts, latency, ok = _timeline(70.05)
    at_warmup = (FaultWindow("api", "outage", 5.0, 20.0),)
    assert analyse(starts, latency, ok, at_warmup, 10.0, 100.0, RecoverySettings()) == []
    to_the_end = (FaultWindow("api", "outage", 50.0, 120.0),)
    assert analyse(starts, latency, ok, to_the_end, 10.0, 100.0, RecoverySettings()) == []


def test_labels_number_each_backends_faults_in_time_order() -> None:
    faults = (FaultWindow("db", "outage", 30, 40), FaultWindow("api", "outage", 50, 60),
              FaultWindow("api", "slowdown", 10, 20))
    assert [label for label, _ in fault_labels(faults)] == ["api#1", "db#1", "api#2"]


def test_a_later_fault_takes_its_baseline_after_the_earlier_one() -> None:
    starts, latency, ok = _timeline(70.05)
    ok[(starts >= 20.0) & (starts < 30.0)] = False   # a first fault 20..30
    faults = (FaultWindow("api", "outage", 20.0, 30.0), *FAULT)
    first, second = analyse(starts, latency, ok, faults, 10.0, 100.0, RecoverySettings())
    assert first.baseline_goodput == pytest.approx(100 / 10.0)        # 10.0 .. 19.9
    assert second.baseline_goodput == pytest.approx(201 / 20.05)      # 30.0 .. 50.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.booleans(), min_size=200, max_size=200),
       st.floats(0.05, 0.9), st.floats(1.0, 20.0), st.sampled_from([0.5, 1.0, 2.0]))
def test_recovery_time_is_a_step_multiple_within_the_run(
        fails: list[bool], tolerance: float, hold_s: float, step_s: float) -> None:
    starts = np.arange(200) * 0.5 + 0.25
    ok = ~np.array(fails)
    ok[:60] = True   # a baseline before the fault at 30 s
    fault = (FaultWindow("api", "slowdown", 30.0, 40.0),)
    found = analyse(starts, np.full(200, 0.02), ok, fault, 0.0, 100.0,
                    RecoverySettings(tolerance, hold_s, min(step_s, hold_s)))
    [f] = found
    assert 0.0 <= f.recovery_time_s <= 60.0 + 1e-9
    if f.recovered:
        steps = f.recovery_time_s / min(step_s, hold_s)
        assert steps == pytest.approx(round(steps), abs=1e-9)
        assert f.recovery_time_s + hold_s <= 60.0 + 1e-9
    else:
        assert f.recovery_time_s == pytest.approx(60.0)


@pytest.mark.parametrize(("outcomes", "low", "high"), [
    ([1.0] * 10, 0.7225, 1.0),          # Wilson (1927): 10 of 10
    ([0.0] * 10, 0.0, 0.2775),
    ([1.0] * 5 + [0.0] * 5, 0.2366, 0.7634),
])
def test_wilson_interval(outcomes: list[float], low: float, high: float) -> None:
    share, got_low, got_high = wilson_ci95(outcomes)
    assert share == pytest.approx(sum(outcomes) / len(outcomes))
    assert (got_low, got_high) == (pytest.approx(low, abs=1e-4), pytest.approx(high, abs=1e-4))


OUTAGE = """
version: 1
name: outage
seed: 1
duration: 100s
warmup: 10s
replications: 3
recovery: {tolerance: 5%}
backends:
  api:
    workers: 4
    latency: 10ms
    faults:
      - {kind: outage, at: 50.05s, for: 20s}
workload:
  target: api
  arrivals: {constant: 10/s}
strategies:
  none: []
  breaker:
    - breaker: {consecutive_failures: 5, open_for: 10.05s}
"""


def test_a_breaker_that_stays_open_past_the_fault_delays_recovery() -> None:
    """Without a breaker the outage's end is the recovery. The breaker (timeline in
    test_protection.py) refuses 70.1 .. 70.6, so at 5% tolerance the first good window
    starts 1 s after the end; P(recovered) is 3 of 3 with its Wilson interval."""
    output = run_yaml(OUTAGE)
    assert value(output, "none", "recovery_time.max") == 0.0
    assert value(output, "breaker", "recovery_time.max") == pytest.approx(1.0)
    entry = output.summary["strategies"]["breaker"]["values"]["recovered"]
    assert entry["mean"] == 1.0
    assert entry["ci95_low"] == pytest.approx(0.4385, abs=1e-4)   # Wilson, 3 of 3
    assert value(output, "breaker", "metastable{fault:api#1}") == 0.0
    assert value(output, "none", "error_rate{window:during_fault}") == 1.0
    assert value(output, "none", "error_rate{window:after_fault}") == 0.0
    # arrivals at 0.1 s, 0.2 s, ...: 400 start in [10, 50.05) (10.1 .. 50.0), all served
    assert value(output, "none", "goodput{window:before_fault}") == pytest.approx(400 / 40.05)
