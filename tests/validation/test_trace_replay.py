"""Trace replay (``arrivals: {trace: ...}``) against the process the trace was drawn from.

A trace drawn from Zipf(alpha) keys and Poisson arrivals must replay to the hit rate of
the same workload written synthetically (``arrivals: {poisson}``, ``keys: {zipf}``) and
to the exact LRU hit ratio (King's formula, validation.md case 6): each within 4
batch-means SE, and the two runs within 4 SE of their difference (sqrt(se1^2 + se2^2)),
as every validation case here. Scaling is checked exactly: the replayed request count
equals the number of records whose scaled time falls in the run, counted from the file
with numpy.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from asyncsim.sim.outcome import Source
from tests.validation import theory
from tests.validation.cache_runs import run_strategy
from tests.validation.trace_files import zipf_poisson_trace

HIT = (Source.FRESH_HIT,)


def scenario(arrivals: str, keys: str, duration: str, warmup: str = "1s",
             cache: str = "{max_entries: 3, eviction: lru}") -> str:
    return f"""
version: 1
name: trace-theory
seed: 5
duration: {duration}
warmup: {warmup}
backends:
  api: {{workers: 64, latency: 0s}}
workload:
  target: api
  users: 4
  arrivals: {arrivals}
  keys: {keys}
strategies:
  s:
    - cache: {cache}
"""


def test_zipf_poisson_trace_replays_to_the_synthetic_hit_rate(tmp_path: Path) -> None:
    path = tmp_path / "access.csv"
    zipf_poisson_trace(path, rate_per_s=1000, span_s=101, keys=10, alpha=1.0)
    replay = run_strategy(scenario(f"{{trace: {{file: {path}, time: ts, key: path}}}}",
                                   "{count: 1}", "100s"), "s")
    synthetic = run_strategy(scenario("{poisson: 1000/s}", "{count: 10, zipf: 1.0}", "100s"),
                             "s")
    hit_replay, se_replay = replay.share(*HIT)
    hit_synthetic, se_synthetic = synthetic.share(*HIT)
    exact = theory.lru_hit_exact_king(list(theory.zipf_probabilities(10, 1.0)), 3)  # 0.470664
    theory.assert_close_4se(hit_replay, se_replay, exact, "replayed trace vs King LRU")
    theory.assert_close_4se(hit_replay - hit_synthetic, math.hypot(se_replay, se_synthetic),
                            0.0, "replayed trace vs synthetic workload")


def test_timestamps_and_keys_are_replayed_exactly(tmp_path: Path) -> None:
    path = tmp_path / "access.csv"
    times = zipf_poisson_trace(path, rate_per_s=50, span_s=20, keys=30, alpha=0.9,
                               clients=7)
    run = run_strategy(scenario(f"{{trace: {{file: {path}, time: ts, key: path, "
                                f"client: user}}}}", "{count: 1}", "30s", "0s",
                                cache="{ttl: 1s}"), "s")
    rows = path.read_text().splitlines()[1:]
    names = [r.split(",")[1] for r in rows]
    users = [r.split(",")[2] for r in rows]
    ids = {n: i for i, n in enumerate(dict.fromkeys(names))}
    client_ids = {u: i for i, u in enumerate(dict.fromkeys(users))}
    np.testing.assert_allclose(run.columns["t_start_s"], times, atol=1e-9)
    assert run.columns["key"].tolist() == [ids[n] for n in names]
    assert run.columns["client"].tolist() == [client_ids[u] for u in users]


@pytest.mark.parametrize(("option", "factor"), [("time_scale: 2", 2.0), ("rate_scale: 2", 0.5),
                                                ("time_scale: 1", 1.0)])
def test_scaling_changes_the_rate_by_the_factor(tmp_path: Path, option: str,
                                                factor: float) -> None:
    """time_scale 2 stretches the trace over twice the time: half the rate; rate_scale 2
    compresses it: twice the rate."""
    path = tmp_path / "access.csv"
    times = zipf_poisson_trace(path, rate_per_s=100, span_s=40, keys=5, alpha=1.0)
    run = run_strategy(scenario(f"{{trace: {{file: {path}, time: ts, key: path, {option}}}}}",
                                "{count: 1}", "10s", "0s"), "s")
    expected = int(np.count_nonzero(times * factor < 10.0))
    assert len(run.columns["t_start_s"]) == expected
    rate = expected / 10.0
    assert rate == pytest.approx(100 / factor, rel=4 / math.sqrt(100 / factor * 10))


def test_loop_repeats_the_trace_until_the_end(tmp_path: Path) -> None:
    path = tmp_path / "access.csv"
    times = zipf_poisson_trace(path, rate_per_s=20, span_s=10, keys=5, alpha=1.0)
    run = run_strategy(scenario(f"{{trace: {{file: {path}, time: ts, key: path, loop: true}}}}",
                                "{count: 1}", "35s", "0s"), "s")
    period = times[-1] + times[-1] / (len(times) - 1)
    repeats = np.concatenate([times + i * period for i in range(4)])
    np.testing.assert_allclose(run.columns["t_start_s"], repeats[repeats < 35.0], atol=1e-9)
