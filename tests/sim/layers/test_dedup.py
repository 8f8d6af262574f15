"""The dedup layer on scripted request times (fake backend: latency 1 s, version = call
number); expected values worked out by hand from sim/layers/dedup.py's rules."""

from __future__ import annotations

import pytest

from asyncsim.sim.layers.dedup import DedupSpec
from asyncsim.sim.outcome import Source, Status
from tests.sim.layers.cache.harness import Harness

NET, COAL = Source.NETWORK, Source.COALESCED


def test_followers_join_the_call_in_flight_and_wait_only_for_its_rest() -> None:
    h = Harness(DedupSpec())
    for t in (0.0, 0.25, 0.5, 1.5):
        h.at(t)
    h.at(0.5, key=1)
    answers = h.run(until=5.0)
    assert [(a.t_start, a.key, a.source, a.outcome.version, a.latency) for a in answers] == [
        (0.0, 0, NET, 1, 1.0), (0.25, 0, COAL, 1, 0.75), (0.5, 0, COAL, 1, 0.5),
        (0.5, 1, NET, 2, 1.0), (1.5, 0, NET, 3, 1.0)]
    assert [a.outcome.attempts for a in answers] == [1, 0, 0, 1, 1]
    assert h.counters() == {"followers": 2}


def test_window_hands_out_a_success_after_completion_without_waiting() -> None:
    h = Harness(DedupSpec(window_s=2.0))
    for t in (0.0, 2.5, 2.99, 3.0):
        h.at(t)
    answers = h.run(until=10.0)
    # the call completes at 1: reusable until 3 (exclusive)
    assert [(a.source, a.latency) for a in answers] == [(NET, 1.0), (COAL, 0.0), (COAL, 0.0),
                                                         (NET, 1.0)]
    assert h.counters()["window_hits"] == 2


def test_failures_are_shared_in_flight_but_never_reused_after() -> None:
    h = Harness(DedupSpec(window_s=2.0))
    h.backend.failing = lambda now: now < 2.0
    for t in (0.0, 0.5, 1.5):
        h.at(t)
    answers = h.run(until=10.0)
    assert [(a.outcome.status, a.source) for a in answers] == [
        (Status.ERROR, Source.NONE), (Status.ERROR, Source.NONE), (Status.OK, NET)]
    assert len(h.backend.calls) == 2


def test_a_window_hit_creates_no_simpy_event() -> None:
    h = Harness(DedupSpec(window_s=5.0))
    h.at(0.0)
    h.run(until=2.0)
    queued = list(h.env._queue)
    before = next(h.env._eid)
    answer = h.ask()
    assert next(h.env._eid) == before + 1 and h.env._queue == queued
    assert answer is not None and answer.source == COAL


def test_spec_rejects_a_negative_window() -> None:
    with pytest.raises(ValueError, match="window_s"):
        DedupSpec(window_s=-1.0)
