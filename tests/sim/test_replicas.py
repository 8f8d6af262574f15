"""Balancers, outlier ejection and health checks of a replica set, on their own."""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from typing import Any

import numpy as np
import simpy
from hypothesis import given
from hypothesis import strategies as st
from simpy.events import Event, Process, Timeout

from asyncsim.sim.backend import BackendSpec, Fault
from asyncsim.sim.data import StaticData
from asyncsim.sim.distributions import Constant
from asyncsim.sim.engine import BlockSampler, RandomStreams
from asyncsim.sim.record import TimeSeries
from asyncsim.sim.replicas.balancers import (
    ConsistentHash,
    LeastOutstanding,
    PowerOfTwo,
    RandomChoice,
    RoundRobin,
    Weighted,
)
from asyncsim.sim.replicas.replica_set import ReplicaSet
from asyncsim.sim.replicas.spec import HealthSpec, OutlierSpec, ReplicationSpec
from asyncsim.sim.request import Request


def _uniform(seed: int = 1) -> BlockSampler:
    return BlockSampler(lambda rng, n: rng.random(n), np.random.default_rng(seed))


def _request(key: int = 0) -> Request:
    return Request(0, key, 0, 0.0)


def test_round_robin_takes_turns_over_the_usable() -> None:
    balancer = RoundRobin()
    assert [balancer.pick(_request(), [0, 2, 3], [True] * 4) for _ in range(6)] == [
        0, 2, 3, 0, 2, 3]


def test_smooth_weighted_round_robin_keeps_the_weights_in_every_cycle() -> None:
    balancer = Weighted([1.0, 2.0, 3.0])
    picks = [balancer.pick(_request(), [0, 1, 2], [True] * 3) for _ in range(60)]
    for cycle in range(10):
        assert Counter(picks[6 * cycle: 6 * cycle + 6]) == {0: 1, 1: 2, 2: 3}


def test_least_outstanding_takes_the_emptiest() -> None:
    outstanding = [3, 1, 4, 1]
    balancer = LeastOutstanding(outstanding)
    assert {balancer.pick(_request(), [0, 1, 2, 3], [True] * 4) for _ in range(8)} == {1, 3}


def test_p2c_never_takes_the_busier_of_its_two() -> None:
    outstanding = [9, 0]
    balancer = PowerOfTwo(outstanding, _uniform())
    assert {balancer.pick(_request(), [0, 1], [True, True]) for _ in range(50)} == {1}


def test_random_spreads_evenly() -> None:
    balancer = RandomChoice(_uniform())
    counts = Counter(balancer.pick(_request(), [0, 1, 2, 3], [True] * 4) for _ in range(40_000))
    for replica in range(4):   # binomial: sd of a count = sqrt(40000 * 0.25 * 0.75) = 87
        assert abs(counts[replica] - 10_000) < 4 * 87


def test_consistent_hash_moves_only_the_keys_of_a_replica_taken_out() -> None:
    balancer = ConsistentHash(5)
    keys = range(2000)
    before = {key: balancer.pick(_request(key), list(range(5)), [True] * 5) for key in keys}
    assert len(set(before.values())) == 5
    usable = [True, True, False, True, True]
    after = {key: balancer.pick(_request(key), [0, 1, 3, 4], usable) for key in keys}
    for key in keys:
        if before[key] != 2:
            assert after[key] == before[key]
        else:
            assert after[key] != 2


@given(st.lists(st.booleans(), min_size=1, max_size=12), st.integers(0, 2**40))
def test_every_balancer_picks_a_usable_candidate(usable: list[bool], key: int) -> None:
    if not any(usable):
        usable[0] = True
    candidates = [i for i, ok in enumerate(usable) if ok]
    outstanding = list(range(len(usable)))
    for balancer in (RoundRobin(), RandomChoice(_uniform()), LeastOutstanding(outstanding),
                     PowerOfTwo(outstanding, _uniform()), ConsistentHash(len(usable)),
                     Weighted([1.0] * len(usable))):
        assert balancer.pick(_request(key), candidates, usable) in candidates


def _replicas(env: simpy.Environment, replication: ReplicationSpec,
              error_rate: float = 0.0) -> ReplicaSet:
    spec = BackendSpec("api", 1, Constant(0.01), error_rate=error_rate, replication=replication)
    return ReplicaSet(env, spec, RandomStreams(1, 0), TimeSeries(1.0, 100), StaticData())


def _calls(env: simpy.Environment, replicas: ReplicaSet, count: int,
           every_s: float) -> Generator[Event, Any, None]:
    for index in range(count):
        Process(env, replicas.call(Request(index, 0, 0, env.now)))
        yield Timeout(env, every_s)


def test_five_failures_in_a_row_eject_a_replica_for_30s_times_its_count() -> None:
    env = simpy.Environment()
    fault = Fault("outage", 0.0, 1000.0)
    replicas = _replicas(env, ReplicationSpec(
        10, "round_robin", outlier=OutlierSpec(), faults=((4, fault),)))
    env.process(_calls(env, replicas, 10_000, 0.05))
    env.run(until=5.0)           # 100 calls: replica 4 failed 5 in a row by call 45
    detector = replicas.detector
    assert detector is not None and detector.ejected == [i == 4 for i in range(10)]
    served_while_out = replicas.counts[4].calls
    env.run(until=29.0)
    assert replicas.counts[4].calls == served_while_out     # no calls while ejected
    env.run(until=40.5)          # 30s after ejection, reviewed at the 40s interval: back
    assert not detector.ejected[4]
    env.run(until=45.0)          # fails 5 more in a row: ejected again, now for 60s
    assert detector.ejected[4] and detector.ejections[4] == 2
    env.run(until=100.5)
    assert detector.ejected[4]
    env.run(until=110.5)
    assert not detector.ejected[4]


def test_no_more_than_max_ejection_percent_but_always_one() -> None:
    env = simpy.Environment()
    outage = Fault("outage", 0.0, 1000.0)
    replicas = _replicas(env, ReplicationSpec(
        10, "round_robin", outlier=OutlierSpec(),
        faults=tuple((index, outage) for index in range(4))))
    env.process(_calls(env, replicas, 2000, 0.05))
    env.run(until=9.0)
    assert replicas.detector is not None and sum(replicas.detector.ejected) == 1   # 10% of 10


def test_health_checks_take_a_dead_replica_out_and_bring_it_back() -> None:
    env = simpy.Environment()
    outage = Fault("outage", 0.0, 50.0)
    replicas = _replicas(env, ReplicationSpec(
        4, "round_robin", health=HealthSpec(interval_s=5.0), faults=((1, outage),)))
    env.process(_calls(env, replicas, 10_000, 0.1))
    env.run(until=20.0)          # probes of replica 1 at 1.25, 6.25, 11.25: out after the third
    assert replicas.health is not None and replicas.health.healthy == [True, False, True, True]
    calls = replicas.counts[1].calls
    env.run(until=50.0)
    assert replicas.counts[1].calls == calls
    env.run(until=60.0)          # the outage ends at 50; the probe at 51.25 passes
    assert replicas.health.healthy == [True] * 4
