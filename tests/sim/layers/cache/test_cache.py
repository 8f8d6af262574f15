"""The cache layer on scripted request times: every expected value is worked out by hand
from the rules in sim/layers/cache/layer.py's docstring (fake backend: latency 1 s, version =
call number)."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncsim.sim.layers.cache.layer import CacheSpec
from asyncsim.sim.layers.dedup import DedupSpec
from asyncsim.sim.outcome import Source, Status
from tests.sim.layers.cache.harness import Harness

FRESH, STALE, NET, COAL = Source.FRESH_HIT, Source.STALE_HIT, Source.NETWORK, Source.COALESCED


def sources(answers: list) -> list[tuple[float, Source, int]]:  # type: ignore[type-arg]
    return [(a.t_start, a.source, a.outcome.version) for a in answers]


def test_a_hit_creates_no_simpy_event_and_no_process() -> None:
    h = Harness(CacheSpec(ttl_s=100.0))
    h.at(0.0)
    h.run(until=5.0)
    queued = list(h.env._queue)
    before = next(h.env._eid)
    answer = h.ask()
    after = next(h.env._eid)
    assert answer is not None and answer.source == FRESH and answer.latency == 0.0
    assert after == before + 1  # the only id taken is the second next() itself
    assert h.env._queue == queued  # nothing was scheduled


def test_ttl_from_insertion_expires_ttl_after_the_fetch_completed() -> None:
    h = Harness(CacheSpec(ttl_s=10.0))
    for t in (0.0, 5.0, 10.9, 11.0, 11.5, 13.0):
        h.at(t)
    answers = h.run(until=20.0)
    # inserted at 1 (fetch of 1 s), expires at 11; refilled at 12 and again at 12.5
    assert sources(answers) == [(0.0, NET, 1), (5.0, FRESH, 1), (10.9, FRESH, 1),
                                (11.0, NET, 2), (11.5, NET, 3), (13.0, FRESH, 3)]
    assert [a.latency for a in answers] == [1.0, 0.0, 0.0, 1.0, 1.0, 0.0]


def test_sliding_ttl_restarts_on_every_hit() -> None:
    h = Harness(CacheSpec(ttl_s=10.0, sliding=True))
    for t in (0.0, 9.0, 18.0, 27.9, 38.0):
        h.at(t)
    answers = h.run(until=50.0)
    # inserted at 1 (expires 11); hits at 9 -> 19, 18 -> 28, 27.9 -> 37.9; 38 misses
    assert [a.source for a in answers] == [NET, FRESH, FRESH, FRESH, NET]


def test_expired_entries_are_removed_when_they_die_so_the_size_gauge_is_exact() -> None:
    h = Harness(CacheSpec(ttl_s=10.0))
    h.at(0.0)
    h.at(0.0, key=1)
    h.at(20.0)
    h.run(until=30.0)
    gauge = h.ctx.gauges[0, "entries"]
    # 2 entries on [1, 11), none on [11, 21), one on [21, 30)
    assert gauge.area_at(30.0) == pytest.approx(2 * 10 + 9)
    assert h.counters()["expirations"] == 2


def test_zero_ttl_keeps_nothing() -> None:
    h = Harness(CacheSpec(ttl_s=0.0))
    for t in (0.0, 2.0, 2.5):
        h.at(t)
    answers = h.run(until=10.0)
    assert [a.source for a in answers] == [NET, NET, NET]
    assert len(h.backend.calls) == 3


def test_stale_while_revalidate_serves_at_once_and_refreshes_in_the_background() -> None:
    h = Harness(CacheSpec(fresh_for_s=2.0, stale_for_s=10.0))
    for t in (0.0, 2.0, 4.0, 4.5, 6.0, 20.0):
        h.at(t)
    answers = h.run(until=30.0)
    # filled at 1: fresh until 3, stale until 11. At 4: stale, revalidation 4 -> 5 (v2),
    # fresh until 7. At 20 the entry (stale until 15) is gone: a blocking miss (v3).
    assert sources(answers) == [(0.0, NET, 1), (2.0, FRESH, 1), (4.0, STALE, 1),
                                (4.5, STALE, 1), (6.0, FRESH, 2), (20.0, NET, 3)]
    assert [a.latency for a in answers] == [1.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    assert h.backend.calls == [(0.0, 0), (4.0, 0), (20.0, 0)]
    assert h.counters()["revalidations"] == 1


def test_an_entry_being_revalidated_is_served_stale_past_its_window() -> None:
    h = Harness(CacheSpec(fresh_for_s=2.0, stale_for_s=3.5))
    for t in (0.0, 4.4, 4.6, 5.3, 5.5):
        h.at(t)
    answers = h.run(until=10.0)
    # filled at 1: stale window [3, 4.5). 4.4 starts a revalidation until 5.4; 4.6 and 5.3
    # are past the window but the revalidation is in flight; 5.5 gets the new version.
    assert sources(answers) == [(0.0, NET, 1), (4.4, STALE, 1), (4.6, STALE, 1),
                                (5.3, STALE, 1), (5.5, FRESH, 2)]


def test_a_failed_revalidation_keeps_the_stale_entry_and_the_next_stale_hit_retries() -> None:
    h = Harness(CacheSpec(fresh_for_s=2.0, stale_for_s=math.inf))
    h.backend.failing = lambda now: 4.0 < now < 6.0
    for t in (0.0, 4.0, 5.5, 8.0, 9.5):
        h.at(t)
    answers = h.run(until=20.0)
    # revalidation 4 -> 5 fails: 5.5 is stale again and retries (5.5 -> 6.5, fails: the
    # backend's answer at 6.5 is computed after the failing window, so it succeeds as v3)
    assert sources(answers) == [(0.0, NET, 1), (4.0, STALE, 1), (5.5, STALE, 1),
                                (8.0, FRESH, 3), (9.5, STALE, 3)]
    assert h.counters()["revalidation_failures"] == 1


def test_without_coalesce_concurrent_misses_each_fetch() -> None:
    h = Harness(CacheSpec())
    h.at(0.0)
    h.at(0.5)
    answers = h.run(until=5.0)
    assert [a.source for a in answers] == [NET, NET]
    assert len(h.backend.calls) == 2


def test_coalesce_makes_concurrent_misses_share_one_fetch() -> None:
    h = Harness(CacheSpec(coalesce=True))
    h.at(0.0)
    h.at(0.5)
    h.at(0.5, key=1)
    answers = h.run(until=5.0)
    assert [(a.key, a.source, a.latency) for a in answers] == [
        (0, NET, 1.0), (0, COAL, 0.5), (1, NET, 1.0)]
    assert answers[1].outcome.attempts == 0
    assert len(h.backend.calls) == 2


def test_negative_caching_answers_a_remembered_failure_without_calling() -> None:
    h = Harness(CacheSpec(error_ttl_s=5.0))
    h.backend.failing = lambda now: now < 2.0
    for t in (0.0, 3.0, 6.5, 8.0):
        h.at(t)
    answers = h.run(until=20.0)
    # the failure lands at 1 and is remembered until 6; 6.5 calls again and succeeds (v2)
    assert [(a.outcome.status, a.source) for a in answers] == [
        (Status.ERROR, Source.NONE), (Status.ERROR, FRESH), (Status.OK, NET), (Status.OK, FRESH)]
    assert len(h.backend.calls) == 2
    assert h.counters()["negative_hits"] == 1


def test_without_negative_caching_failures_are_not_remembered() -> None:
    h = Harness(CacheSpec())
    h.backend.failing = lambda now: now < 5.0
    for t in (0.0, 3.0):
        h.at(t)
    answers = h.run(until=20.0)
    assert [a.source for a in answers] == [Source.NONE, Source.NONE]
    assert len(h.backend.calls) == 2


def test_per_client_scope_keeps_one_cache_per_client() -> None:
    h = Harness(CacheSpec(scope="client"))
    h.at(0.0, client=0)
    h.at(2.0, client=1)
    h.at(4.0, client=0)
    h.at(4.0, client=1)
    answers = h.run(until=10.0)
    assert [(a.client, a.source) for a in answers] == [(0, NET), (1, NET), (0, FRESH),
                                                       (1, FRESH)]


@pytest.mark.parametrize("coalesce", [False, True])
def test_xfetch_refreshes_before_expiry(coalesce: bool) -> None:
    """With requests every 0.05 s, each entry is refreshed by an early hit before it
    expires: no request finds it expired, every fetch after the first is early."""
    h = Harness(CacheSpec(ttl_s=10.0, fresh_for_s=10.0, stale_for_s=10.0, xfetch_beta=1.0,
                          coalesce=coalesce))
    for i in range(20_000):
        h.at(i * 0.05)
    h.run(until=1000.0)
    calls = [t for t, _ in h.backend.calls]
    counters = h.counters()
    cold = sum(t <= 1.0 for t in calls)  # requests until the first fill (at 1) all miss
    assert cold == (1 if coalesce else 21)
    assert counters["early_refreshes"] == len(calls) - cold > 50
    assert counters.get("expirations", 0) == 0
    assert all(later - earlier < 11.0 for earlier, later in pairwise(calls))
    if coalesce:  # one refresh at a time: fetches never overlap
        assert all(later - earlier >= 1.0 for earlier, later in pairwise(calls))


def test_cache_over_dedup_joins_a_blocking_miss_to_the_fetch_in_flight() -> None:
    h = Harness(CacheSpec(ttl_s=5.0), DedupSpec())
    h.at(0.0)
    h.at(0.5)
    answers = h.run(until=3.0)
    assert [a.source for a in answers] == [NET, COAL]
    assert len(h.backend.calls) == 1


def test_spec_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="stale_for_s must be at least fresh_for_s"):
        CacheSpec(fresh_for_s=10.0, stale_for_s=5.0)
    with pytest.raises(ValueError, match="max_entries"):
        CacheSpec(max_entries=0)
    with pytest.raises(ValueError, match="eviction"):
        CacheSpec(max_entries=3, eviction="mru")  # type: ignore[arg-type]


def test_a_run_of_hits_costs_only_its_arrivals_in_events() -> None:
    """Through the whole engine: one key, one miss, then hits; every event is an arrival,
    the miss's fetch, warm-up or the series sampler."""
    from asyncsim.sim import BackendSpec, Simulation, SimulationSpec, StrategySpec
    from asyncsim.sim.distributions import Constant
    from asyncsim.sim.workload.compose import compose
    from asyncsim.sim.workload.load.arrivals import ArrivalSpec
    from asyncsim.sim.workload.load.models import OpenLoad
    from asyncsim.sim.workload.units.request import PlainRequest

    spec = SimulationSpec(seed=1, duration_s=1000.0, warmup_s=0.0,
                          backends=(BackendSpec("api", 1, Constant(0.01)),),
                          workload=compose(OpenLoad(ArrivalSpec(10.0)), PlainRequest("api")))
    result = Simulation(spec, StrategySpec("c", (CacheSpec(),)), 0).run()
    arrivals = len(result.requests["t_start_s"])
    assert result.layers[0].counters["misses"] == 1
    assert result.events <= arrivals + 1 + 210  # + the miss's fetch + warm-up and 200 bins


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0.0, 50.0), st.integers(0, 4)), min_size=1, max_size=80),
       st.sampled_from([None, 1, 2, 3]), st.floats(0.0, 5.0), st.floats(0.0, 10.0),
       st.booleans(), st.booleans())
def test_served_ages_and_sizes_respect_the_settings(
        trace: list[tuple[float, int]], max_entries: int | None, fresh_for_s: float,
        window_s: float, sliding: bool, coalesce: bool) -> None:
    """Whatever the trace: a fresh hit is younger than fresh_for, a stale hit younger than
    stale_for unless its key was being revalidated, the cache never holds more than
    max_entries, and the size gauge equals what it holds."""
    spec = CacheSpec(ttl_s=20.0, sliding=sliding, fresh_for_s=fresh_for_s,
                     stale_for_s=fresh_for_s + window_s, max_entries=max_entries,
                     coalesce=coalesce)
    h = Harness(spec, latency_s=0.5)
    for t, key in trace:
        h.at(t, key)
    answers = h.run(until=100.0)
    landed = {}  # version -> when its fetch completed (the fake backend takes 0.5 s)
    for version, (start, _) in enumerate(h.backend.calls, start=1):
        landed[version] = start + 0.5
    for a in answers:
        if a.source in (FRESH, STALE):
            age = a.t_start - landed[a.outcome.version]
            assert age >= 0.0
            if a.source == FRESH:
                assert age < spec.fresh_for_s
            elif age >= spec.stale_for_s:  # only while a revalidation of the key ran
                assert any(start <= a.t_start < start + 0.5
                           for start, key in h.backend.calls if key == a.key)
    layer = h.layers[0]
    assert max_entries is None or len(layer.entries) <= max_entries
    assert h.ctx.gauges[0, "entries"].value == len(layer.entries)
