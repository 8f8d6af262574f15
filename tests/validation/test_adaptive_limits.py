"""Vegas, Gradient2 and Envoy's gradient controller (and AIMD) against a backend of known
capacity: ``c`` workers, a constant service time S = 100 ms, an unbounded FIFO queue, and
Poisson arrivals at twice the capacity (2c / S). Each limiter is always full (the offered
load exceeds what it lets through), so with L calls in flight the backend holds L - c
waiting calls and every round trip is L S / c (Little's law: throughput = L / rtt = c / S).
Each algorithm's own update rule then says where L settles:

- **no limiter**: the queue grows at (2 - 1) c / S calls per second, so a call sent at t
  waits about t; p99 of the calls sent in [30 s, 120 s] is about 119 s. Tolerance 5%: the
  queue's Poisson spread over the run is sqrt(2 c / S x 120 s), about 1 s.
- **aimd**: no call is dropped and no round trip reaches its 5 s timeout, so the limit
  climbs to max_limit (200) and every round trip is 200 S / c (1 s for c = 20, 0.4 s for
  c = 50): queueing bounded, but at the ceiling. Tolerance 5% on p99 (the rise from 20 to
  200 at the start is inside the warm-up).
- **vegas**: with a constant service time rtt_noload = S, so the estimated queue
  ceil(L (1 - S / rtt)) is L - c: it grows while under alpha = 3 and shrinks over
  beta = 6 (log10 L = 1 for L in 10..99), so L settles in [c + 3, c + 6]. Its probe sets
  rtt_noload to a loaded round trip every ~30 L samples and the limit climbs a few steps
  before a quicker round trip resets it, so the upper bound gets 15%.
- **envoy**: sampleRTT = L S / c, gradient = 1.25 minRTT / sampleRTT = 1.25 c / L, and
  L = gradient L + sqrt(gradient L) has the fixed point 1.25 c + sqrt(1.25 c) (30 for
  c = 20, 70.4 for c = 50): a standing queue of about c / 2, by design (buffer and
  headroom). Tolerance 15%: the limit moves once per 100 ms window while the samples lag it
  by a round trip, so it overshoots and undershoots around the fixed point; minRTT windows
  pin it to 3 for about 1 s a minute.
- **gradient2**: no fixed point of its own here (gradient <= 1 and + queue_size each
  sample: it settles where the round trips' noise makes L (1 - gradient) average 4); the
  check is what it promises: the limit stays within [min_limit, max_limit] and p99 stays
  below max_limit x S / c, against the unlimited client's minutes.
"""

from __future__ import annotations

import math

import pytest

from tests.helpers import run_yaml, value

QUEUEING = """
version: 1
name: adaptive-limits
seed: 6
duration: 120s
warmup: 30s
backends:
  api:
    workers: {c}
    latency: {{constant: 100ms}}
workload:
  target: api
  arrivals: {{poisson: {rate}/s}}
strategies:
  none: []
  aimd: [{{limiter: netflix-aimd}}]
  vegas: [{{limiter: netflix-vegas}}]
  gradient2: [{{limiter: netflix-gradient2}}]
  envoy: [{{limiter: envoy}}]
"""
SERVICE_S = 0.1


@pytest.mark.slow
@pytest.mark.parametrize("c", [20, 50])
def test_each_limiter_settles_where_its_rule_says(c: int) -> None:
    output = run_yaml(QUEUEING.format(c=c, rate=2 * c / SERVICE_S))
    assert value(output, "none", "latency.p(99)") == pytest.approx(0.99 * 120 - 0.01 * 30,
                                                                      rel=0.05)
    assert value(output, "aimd", "concurrency_limit") == pytest.approx(200, rel=0.01)
    assert value(output, "aimd", "latency.p(99)") == pytest.approx(200 * SERVICE_S / c,
                                                                      rel=0.05)
    vegas = value(output, "vegas", "concurrency_limit")
    assert c + 3 <= vegas <= 1.15 * (c + 6), vegas
    envoy = value(output, "envoy", "concurrency_limit")
    assert envoy == pytest.approx(1.25 * c + math.sqrt(1.25 * c), rel=0.15)
    gradient2 = value(output, "gradient2", "concurrency_limit")
    assert 20 <= gradient2 <= 200
    for strategy in ("vegas", "gradient2", "envoy"):
        assert value(output, strategy, "latency.p(99)") < 200 * SERVICE_S / c, strategy


HIDDEN = """
version: 1
name: hidden-limit
seed: 6
duration: 60s
warmup: 20s
backends:
  api:
    workers: 20
    queue_limit: 0
    latency: {uniform: {low: 50ms, high: 150ms}}
workload:
  target: api
  arrivals: {poisson: 400/s}
strategies:
  envoy: [{limiter: envoy}]
"""


def test_envoy_cannot_see_a_limit_that_refuses_at_once() -> None:
    """Envoy learns from latency only. Behind a server that refuses calls beyond its 20
    workers in no time, more than half the sampled round trips are 0, so sampleRTT (p50)
    is 0, the gradient is clamped at 2 and the limit doubles each window up to max_limit
    (1000): it never settles near 20. (AIMD, which counts the refusals as drops, does:
    tests/validation/test_limiter.py.)"""
    output = run_yaml(HIDDEN)
    assert value(output, "envoy", "concurrency_limit") > 900


NETFLIX_HARNESS = """
version: 1
name: netflix-harness
seed: 6
duration: 90s
warmup: 30s
backends:
  api:
    workers: {hidden}
    latency: {{uniform: {{low: 50ms, high: 150ms}}}}
workload:
  target: api
  arrivals: {{poisson: {rate}/s}}
strategies:
  aimd: [{{limiter: netflix-aimd}}]
  vegas: [{{limiter: netflix-vegas}}]
  gradient2: [{{limiter: netflix-gradient2}}]
  envoy: [{{limiter: envoy}}]
"""
LOW_S, HIGH_S = 0.05, 0.15


def vegas_fixed_point(rtt_noload_s: float) -> float:
    """Where Vegas's expected step is 0 when every round trip is one service time, uniform
    on [LOW_S, HIGH_S], and rtt_noload is ``rtt_noload_s``: the estimated queue
    ceil(L (1 - rtt_noload / rtt)) is at most 1 (+6) when rtt <= rtt_noload / (1 - 1/L), 2
    (+1) up to rtt_noload / (1 - 2/L), over 6 (-1) above rtt_noload / (1 - 6/L) (log10 L = 1
    for L in 10..99). The expected step falls with L; bisection finds its zero."""
    def share_at_most(rtt_s: float) -> float:
        return min(1.0, max(0.0, (rtt_s - LOW_S) / (HIGH_S - LOW_S)))

    def step(limit: float) -> float:
        grow_fast = share_at_most(rtt_noload_s / (1 - 1 / limit))
        grow = share_at_most(rtt_noload_s / (1 - 2 / limit)) - grow_fast
        shrink = 1 - share_at_most(rtt_noload_s / (1 - 6 / limit))
        return 6 * grow_fast + grow - shrink

    low, high = 10.0, 99.0
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if step(middle) > 0 else (low, middle)
    return low


@pytest.mark.slow
@pytest.mark.parametrize("hidden", [20, 50])
def test_netflix_harness_each_limiter_lands_where_its_rule_says(hidden: int) -> None:
    """Netflix concurrency-limits' own harness (BlockingAdaptiveExecutorSimulation): a fair
    semaphore of ``hidden`` permits, so calls beyond it wait in FIFO order, and a latency
    uniform on 50-150 ms; here offered at twice the capacity. Nothing is ever refused, so
    the signal is the round trip alone, and only its noise separates the rules:

    - aimd: no drop and no round trip near its 5 s timeout: + 1 to max_limit (200);
    - vegas: the noise of one round trip (up to 2/3 of it over rtt_noload) reads as a
      queue, so it settles far below the hidden limit, whatever it is, and never queues.
      rtt_noload is the lowest round trip since the last probe (every ~30 L samples, ~270
      here): 50 ms + 100/(k + 1) ms after k samples, under 55 ms from the 20th on. So the
      limit lies between :func:`vegas_fixed_point` at 50 ms (10.8) and at 55 ms (15.0);
    - envoy: minRTT and sampleRTT are p50s, mean service 100 ms, so the known-capacity
      fixed point 1.25 c + sqrt(1.25 c) holds (15%);
    - gradient2: no fixed point of its own; it stays within [min_limit, max_limit].
    """
    output = run_yaml(NETFLIX_HARNESS.format(hidden=hidden, rate=20 * hidden))
    assert value(output, "aimd", "concurrency_limit") == pytest.approx(200, rel=0.01)
    vegas = value(output, "vegas", "concurrency_limit")
    assert vegas_fixed_point(LOW_S) <= vegas <= vegas_fixed_point(0.055), vegas
    envoy = value(output, "envoy", "concurrency_limit")
    assert envoy == pytest.approx(1.25 * hidden + math.sqrt(1.25 * hidden), rel=0.15)
    assert 20 <= value(output, "gradient2", "concurrency_limit") <= 200
