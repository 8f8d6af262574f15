"""Polling timers on deterministic worlds: exact fetch times for each semantics."""

from __future__ import annotations

import pytest

from asyncsim.sim.backend import Fault
from asyncsim.sim.distributions import Constant
from asyncsim.sim.simulation import RunResult
from asyncsim.sim.workload.logs.live import LiveCounters
from asyncsim.sim.workload.polling import PollingSpec
from asyncsim.sim.workload.visibility import AlternatingSpec
from tests.sim.workload.live_harness import run_live, starts, switches


def test_fixed_rate_ticks_join_the_fetch_in_flight() -> None:
    # mount fetch at 0 takes 2.5 s: ticks at 1 and 2 join it, tick 3 starts the next one
    result = run_live([PollingSpec(1.0, "fixed_rate")], duration_s=10.0,
                      latency=Constant(2.5))
    assert starts(result) == [0.0, 3.0, 6.0, 9.0]
    assert result.logs[LiveCounters]["joined"] == 6  # ticks 1, 2, 4, 5, 7, 8


def test_after_completion_waits_interval_after_each_fetch() -> None:
    # SWR: the chain starts at mount; tick 1 joins the mount fetch (done 2.5), next tick
    # 1 s after that completes, and so on: period = interval + latency
    result = run_live([PollingSpec(1.0, "after_completion")], duration_s=12.0,
                      latency=Constant(2.5))
    assert starts(result) == [0.0, 3.5, 7.0, 10.5]


TABS = AlternatingSpec(Constant(10.3), Constant(9.9))
"""Switch times never fall on a whole second, where the 1 s ticks are."""


def test_hidden_ticks_are_skipped_unless_in_background() -> None:
    quiet = run_live([PollingSpec(1.0)], duration_s=40.0, visibility=TABS, latency=Constant(0.1))
    loud = run_live([PollingSpec(1.0, in_background=True)], duration_s=40.0, visibility=TABS,
                    latency=Constant(0.1))
    assert starts(loud) == [float(t) for t in range(40)]
    visible = visible_intervals(quiet, 40.0)
    expected = [0.0] + [float(t) for t in range(1, 40) if inside(t, visible)]
    assert starts(quiet) == expected
    assert quiet.logs[LiveCounters]["poll_skipped_hidden"] == 39 - (len(expected) - 1)


def test_smart_polling_pauses_when_hidden_and_fetches_at_once_when_shown() -> None:
    result = run_live([PollingSpec(3.0, smart=True)], duration_s=60.0, visibility=TABS,
                      latency=Constant(0.1))
    expected = {0.0}  # the mount fetch
    for start, end in visible_intervals(result, 60.0):
        t = start
        while t < end:
            expected.add(round(t, 9))
            t += 3.0
    assert starts(result) == sorted(expected)


def test_skip_on_error_stops_polling_until_a_fetch_succeeds() -> None:
    # every call fails from 5 s to 6 s: the tick at 5 fails, then SWR-style polling is quiet
    outage = Fault("outage", 5.0, 1.0)
    quiet = run_live([PollingSpec(1.0, "after_completion", skip_on_error=True)],
                     duration_s=30.0, faults=[outage])
    assert starts(quiet) == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert quiet.logs[LiveCounters]["poll_skipped_error"] == 24
    going = run_live([PollingSpec(1.0, "after_completion")], duration_s=30.0, faults=[outage])
    assert starts(going) == [float(t) for t in range(30)]


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_interval_must_be_positive(bad: float) -> None:
    with pytest.raises(ValueError, match="interval"):
        PollingSpec(bad)


def visible_intervals(result: RunResult, end: float) -> list[tuple[float, float]]:
    """The user's visible periods, from its switches (its state at 0 is the opposite of
    its first switch)."""
    changes = switches(result)
    intervals, since, visible = [], 0.0, not changes[0][1]
    for t, on in changes:
        if visible and not on:
            intervals.append((since, t))
        since, visible = t, on
    if visible:
        intervals.append((since, end))
    return intervals


def inside(t: float, intervals: list[tuple[float, float]]) -> bool:
    return any(start < t < end for start, end in intervals)
