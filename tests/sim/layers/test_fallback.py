"""Fallback: a static or last-good answer instead of a failure."""

from __future__ import annotations

from asyncsim.sim.layers.fallback import FallbackSpec
from asyncsim.sim.outcome import Source, Status
from tests.sim.layers.harness import ERROR, OK, TIMEOUT, Bench


def test_static_fallback_replaces_every_failure() -> None:
    bench = Bench(FallbackSpec("static"), [OK, ERROR, TIMEOUT, Status.SHORT_CIRCUITED])
    outcomes = bench.many(4)
    assert outcomes[0].status == OK and outcomes[0].version == 7
    for outcome in outcomes[1:]:
        assert (outcome.status, outcome.source, outcome.version) == (
            Status.FALLBACK, Source.FALLBACK, -1)
    assert outcomes[1].attempts == 1  # the backend call it cost still counts
    assert bench.layer.counters["served"] == 3


def test_last_good_serves_the_key_last_delivered_and_nothing_before() -> None:
    bench = Bench(FallbackSpec("last_good"), [ERROR, OK, ERROR, ERROR])
    assert bench.now(key=1).status == ERROR          # nothing known yet
    assert bench.now(key=1).version == 7
    served = bench.now(key=1)
    assert (served.status, served.version) == (Status.FALLBACK, 7)
    assert bench.now(key=2).status == ERROR          # another key
    assert bench.layer.counters["nothing_to_serve"] == 2


def test_outcomes_not_listed_pass_through() -> None:
    bench = Bench(FallbackSpec("static", on=frozenset({ERROR})), [TIMEOUT, ERROR])
    assert bench.now().status == TIMEOUT
    assert bench.now().status == Status.FALLBACK
