"""The contention workload: exact small cases, and agreement in distribution with an
independent event-heap model of the AWS backoff simulator's experiment."""

from __future__ import annotations

import heapq
import math
import random
import statistics

import pytest

from asyncsim.sim import BackendSpec, RunResult, Simulation, SimulationSpec, StrategySpec
from asyncsim.sim.distributions import Constant, Distribution, TruncatedNormal
from asyncsim.sim.layers.retry.backoff import BackoffSpec
from asyncsim.sim.layers.retry.layer import RetrySpec
from asyncsim.sim.outcome import Status
from asyncsim.sim.workload.compose import compose
from asyncsim.sim.workload.load.models import Burst
from asyncsim.sim.workload.logs.contention import ContentionTally
from asyncsim.sim.workload.units.conditional_write import ConditionalWrite


def run(clients: int, network: Distribution, backoff: BackoffSpec,
        replication: int = 0) -> RunResult:
    spec = SimulationSpec(seed=5, duration_s=600.0, warmup_s=0.0,
                          backends=(BackendSpec("row", 1000, Constant(0.0)),),
                          workload=compose(Burst(clients), ConditionalWrite(network, "row")))
    strategy = StrategySpec("s", (RetrySpec(math.inf, backoff),))
    return Simulation(spec, strategy, replication).run()


def test_one_client_writes_once_after_four_hops() -> None:
    result = run(1, Constant(0.01), BackoffSpec("constant", 0.0))
    assert result.logs[ContentionTally].writes == 1
    assert result.logs[ContentionTally].conflicts == 0
    assert result.logs[ContentionTally].completion_s == pytest.approx(0.04)
    assert result.backends["row"].calls == 2  # a read and a write


def test_two_clients_one_conflict_then_the_loser_rereads() -> None:
    result = run(2, Constant(0.01), BackoffSpec("constant", 0.0))
    # both read v0 at 10 ms and write at 30 ms: one wins, the other learns at 40 ms,
    # reads again at 50 ms and writes at 70 ms; its answer arrives at 80 ms
    assert result.logs[ContentionTally].writes == 3
    assert result.logs[ContentionTally].conflicts == 1
    assert result.logs[ContentionTally].completion_s == pytest.approx(0.08)
    assert sorted(result.requests["attempts"].tolist()) == [1, 2]
    assert (result.requests["status"] == Status.OK).all()


def aws_model(clients: int, rng: random.Random, full_jitter: bool) -> tuple[int, float]:
    """An independent event-heap model of the experiment: one row with a version; a client
    reads, writes if the version is unchanged, and on a conflict sleeps a network hop plus
    its backoff (none, or U(0, min(2 s, 5 ms·2^n)) for retry n) before reading again.
    Returns (writes, time the last client finished)."""
    def hop() -> float:
        return abs(rng.normalvariate(0.010, 0.002))

    version, writes, last = 0, 0, 0.0
    seen = [0] * clients
    retries = [0] * clients
    events = [(hop(), c, "read") for c in range(clients)]
    heapq.heapify(events)
    while events:
        t, c, kind = heapq.heappop(events)
        if kind == "read":
            seen[c] = version
            heapq.heappush(events, (t + hop() + hop(), c, "write"))
        elif kind == "write":
            writes += 1
            won = seen[c] == version
            version += won
            heapq.heappush(events, (t + hop(), c, "done" if won else "conflict"))
        elif kind == "conflict":
            retries[c] += 1
            ceiling = min(2.0, 0.005 * 2 ** retries[c])
            sleep = rng.uniform(0, ceiling) if full_jitter else 0.0
            heapq.heappush(events, (t + hop() + sleep, c, "read"))
        else:
            last = t
    return writes, last


@pytest.mark.parametrize(("full_jitter", "backoff"), [
    (False, BackoffSpec("constant", 0.0)),
    (True, BackoffSpec("exponential", 0.010, 2.0, 2.0, "full")),
])
def test_agrees_with_an_independent_model_of_the_aws_experiment(
        full_jitter: bool, backoff: BackoffSpec) -> None:
    clients, reps = 10, 300
    network = TruncatedNormal(0.010, 0.002)
    ours = [run(clients, network, backoff, rep).logs[ContentionTally] for rep in range(reps)]
    rng = random.Random(2015)
    theirs = [aws_model(clients, rng, full_jitter) for _ in range(reps)]
    for index, key in enumerate(("writes", "completion_s")):
        a = [getattr(r, key) for r in ours]
        b = [t[index] for t in theirs]
        se = math.sqrt(statistics.variance(a) / reps + statistics.variance(b) / reps)
        assert abs(statistics.mean(a) - statistics.mean(b)) <= 4 * se, (key, statistics.mean(a),
                                                                          statistics.mean(b), se)
