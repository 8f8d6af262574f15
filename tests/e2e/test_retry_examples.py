"""The retry examples tell the stories their comments (and the README) tell."""

from __future__ import annotations

from pathlib import Path

from asyncsim import app
from tests.helpers import value

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_backoff_jitter_reproduces_the_aws_posts_conclusions() -> None:
    """'Exponential Backoff And Jitter' (AWS Architecture Blog, 2015): full jitter does the
    least work; equal jitter does slightly more work and takes much longer; decorrelated
    jitter does more work than full jitter but finishes sooner; un-jittered exponential
    backoff takes more work and far more time than any jittered strategy."""
    loaded = app.load(EXAMPLES / "backoff-jitter.yaml", ["replications=40"])
    output = app.run(loaded, None, jobs=1)
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
    loaded = app.load(EXAMPLES / "retry-storm.yaml", ["replications=1", "duration=100s"])
    output = app.run(loaded, None, jobs=1)
    rate = 320.0
    assert value(output, "immediate", "goodput_end") < 0.05 * rate
    for mitigated in ("budget", "drop-expired"):
        assert value(output, mitigated, "goodput_end") > 0.9 * rate, mitigated
    assert value(output, "immediate", "amplification") > 2
    assert value(output, "budget", "amplification") < 1.25
    assert value(output, "drop-expired", "dropped") > 1000
