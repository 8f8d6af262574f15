"""The retry examples tell the stories their comments (and the README) tell."""

from __future__ import annotations

from pathlib import Path

from asyncsim.commands.common import load
from asyncsim.commands.run import run_scenario
from tests.helpers import value

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_backoff_jitter_reproduces_the_aws_posts_conclusions() -> None:
    """'Exponential Backoff And Jitter' (AWS Architecture Blog, 2015): full jitter does the
    least work; equal jitter does slightly more work and takes much longer; decorrelated
    jitter does more work than full jitter but finishes sooner; un-jittered exponential
    backoff takes more work and far more time than any jittered strategy."""
    loaded = load(EXAMPLES / "backoff-jitter.yaml", ["replications=40"])
    output = run_scenario(loaded, None, jobs=1)
    names = ["no-backoff", "exponential", "equal-jitter", "full-jitter", "decorrelated"]
    calls = {n: value(output, n, "contention_calls") for n in names}
    time = {n: value(output, n, "contention_time") for n in names}
    assert min(calls, key=calls.__getitem__) == "full-jitter"
    assert calls["full-jitter"] < calls["equal-jitter"] < calls["decorrelated"]
    assert time["decorrelated"] < time["full-jitter"] < time["equal-jitter"]
    jittered = ("equal-jitter", "full-jitter", "decorrelated")
    assert all(calls["exponential"] > 1.5 * calls[n] for n in jittered)
    assert all(time["exponential"] > 5 * time[n] for n in jittered)
    assert calls["no-backoff"] == max(calls.values())
    assert time["no-backoff"] == min(time.values())


def test_retry_storm_persists_without_mitigation_and_recovers_with_them() -> None:
    loaded = load(EXAMPLES / "retry-storm.yaml", ["replications=1", "duration=100s"])
    output = run_scenario(loaded, None, jobs=1)
    rate = 160.0
    assert value(output, "immediate", "goodput_end") < 0.05 * rate
    for mitigated in ("budget", "drop-expired"):
        assert value(output, mitigated, "goodput_end") > 0.9 * rate, mitigated
    assert value(output, "immediate", "amplification") > 2
    assert value(output, "budget", "amplification") < 1.25
    assert value(output, "drop-expired", "dropped") > 1000
    # the goodput series (for the report's plot): healthy before the fault, flat after it
    run = next(r for r in output.runs if r.strategy == "immediate")
    times, goodput = run.series["time_s"], run.series["goodput"]
    before = [g for t, g in zip(times, goodput, strict=True) if 10 < t < 40]
    after = [g for t, g in zip(times, goodput, strict=True) if 70 < t < 100]
    assert sum(before) / len(before) > 0.9 * rate and max(after) < 0.1 * rate


SCENARIO = """\
version: 1
name: retry-determinism
seed: 5
duration: 20s
warmup: 2s
replications: 2
backends:
  api:
    workers: 4
    latency: {lognormal: {median: 20ms, p99: 200ms}}
    errors: {rate: 0.2, retry_after: 50ms}
workload:
  target: api
  users: 20
  arrivals: {poisson: 80/s}
strategies:
"""
STRATEGIES = {
    "jittered": "  jittered:\n    - deadline: 1s\n    - retry: {max_attempts: 4, jitter: full,"
                " budget: {percent: 20}}\n    - timeout: 100ms\n",
    "per-client": "  per-client:\n    - retry: {preset: grpc, max_attempts: 3, base: 10ms,"
                  " multiplier: 2, cap: 1s, throttle: {max_tokens: 10, token_ratio: 0.1},"
                  " scope: client}\n",
    "hedged": "  hedged:\n    - hedge: {percentile: 90, min_samples: 50}\n"
              "    - retry: {backoff: decorrelated, base: 5ms}\n",
}


def _summary(tmp_path: Path, name: str, order: list[str], jobs: int) -> bytes:
    scenario = tmp_path / f"{name}.yaml"
    scenario.write_text(SCENARIO + "".join(STRATEGIES[s] for s in order))
    output = run_scenario(load(scenario), tmp_path / name, jobs=jobs)
    assert set(output.summary["strategies"]) == set(STRATEGIES)
    return (tmp_path / name / "summary.json").read_bytes()


def test_retry_hedge_and_deadline_runs_are_deterministic(tmp_path: Path) -> None:
    order = list(STRATEGIES)
    one_job = _summary(tmp_path, "one", order, jobs=1)
    assert one_job == _summary(tmp_path, "two", order, jobs=2)
    assert one_job == _summary(tmp_path, "reversed", order[::-1], jobs=2)
    assert b'"retry_share"' in one_job and b'"hedge_rate"' in one_job
