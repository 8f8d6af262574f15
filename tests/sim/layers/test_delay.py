"""The ``delay`` layer: the call below starts one delay later, and where the layer stands
says which calls pay it (below a cache, hits pay nothing)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from asyncsim.scenarios.items.layers.delay import DelayConfig
from asyncsim.sim.distributions import Constant, Exponential
from asyncsim.sim.layers.delay import DelaySpec
from asyncsim.sim.outcome import Status
from tests.helpers import run_yaml, validate_rejects, value
from tests.sim.layers.harness import Bench


def test_the_call_below_starts_one_delay_later() -> None:
    bench = Bench(DelaySpec(Constant(0.040)), latency_s=0.010)
    bench.at(1.0)
    bench.advance_to(1.039)
    assert bench.backend.calls == 0
    bench.advance_to(1.045)
    assert bench.backend.calls == 1 and bench.outcomes == []
    bench.advance_to(1.0501)
    assert [o.status for o in bench.outcomes] == [Status.OK]


def test_delays_follow_their_distribution() -> None:
    """Exponential delays with mean 50 ms: the sample mean within 4 standard errors
    (SE = mean/sqrt(n) for an exponential) and P(delay > mean) within 4 SE of 1/e."""
    n, mean_s = 20_000, 0.050
    bench = Bench(DelaySpec(Exponential(mean_s)), duration_s=n * 10.0)
    for i in range(n):
        bench.at(10.0 * i)  # far apart: each call ends before the next starts
    bench.advance_to(10.0 * n)
    delays = [t - 10.0 * i for i, t in enumerate(bench.ended_at)]
    assert len(delays) == n
    assert abs(sum(delays) / n - mean_s) <= 4 * mean_s / math.sqrt(n)
    share = sum(d > mean_s for d in delays) / n
    p = math.exp(-1)
    assert abs(share - p) <= 4 * math.sqrt(p * (1 - p) / n)


SCENARIO = """\
version: 1
name: delay
duration: 200s
warmup: 10s
replications: 1
backends:
  api: {workers: 4, latency: {exponential: 50ms}}
workload:
  target: api
  keys: {count: 50}
  arrivals: {poisson: 20/s}
strategies:
  direct: []
  far: [{delay: 40ms}]
  far-cached: [{cache: {ttl: 30s}}, {delay: 40ms}]
"""


def test_a_round_trip_adds_itself_to_every_call_and_nothing_to_a_cache_hit() -> None:
    output = run_yaml(SCENARIO)
    # Common random numbers: the backend sees the same arrivals shifted by 40 ms, so
    # every request takes exactly 40 ms more.
    assert value(output, "far", "latency.avg") == pytest.approx(
        value(output, "direct", "latency.avg") + 0.040, abs=1e-9)
    assert value(output, "far", "latency.min") == pytest.approx(
        value(output, "direct", "latency.min") + 0.040, abs=1e-9)
    assert value(output, "far-cached", "latency.min") == 0.0  # a hit above the delay
    assert value(output, "far-cached", "hit_rate") > 0.5


@pytest.mark.parametrize(("written", "expected"), [
    ("40ms", Constant(0.040)),
    ({"exponential": "40ms"}, Exponential(0.040)),
    ({"latency": "40ms", "scope": "client"}, Constant(0.040)),
])
def test_the_written_forms(written: object, expected: object) -> None:
    spec = DelayConfig.model_validate(written).to_spec()
    assert isinstance(spec, DelaySpec) and spec.latency == expected


@pytest.mark.parametrize(("item", "words"), [
    ("{delay: -5ms}", "is negative (must be zero or more)"),
    ("{delay: {latency: 40ms, sope: client}}", "scope"),
])
def test_bad_delays_are_located(tmp_path: Path, item: str, words: str) -> None:
    text = SCENARIO.replace("far: [{delay: 40ms}]", f"far: [{item}]")
    rejection = validate_rejects(tmp_path, text)
    assert rejection.line == 14  # the "far:" line
    assert words in rejection.message
