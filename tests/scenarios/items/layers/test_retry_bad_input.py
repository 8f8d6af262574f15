"""Invalid retry, hedge, deadline and contention settings: exit 104 with the position of
the field to fix and a message that says what is wrong."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers import MINIMAL, validate_rejects

runner = CliRunner()


def retry_block(*lines: str) -> str:
    """MINIMAL plus a strategy whose only layer is a block-style retry; its first field is
    on line 16, its values start after ``        <field>: ``."""
    body = "".join(f"        {line}\n" for line in lines)
    return MINIMAL + "strategies:\n  s:\n    - retry:\n" + body


def layers(*lines: str) -> str:
    """MINIMAL plus a strategy with the given layer lines, the first on line 15."""
    return MINIMAL + "strategies:\n  s:\n" + "".join(f"    - {line}\n" for line in lines)


CONTENTION = MINIMAL.replace("  arrivals: {poisson: 10/s}", "  users: 5\n  contention: {}")

CASES = {
    "max_attempts 0": (retry_block("max_attempts: 0"), 16, 23, "not a number of attempts"),
    "max_attempts not whole": (retry_block("max_attempts: 2.5"), 16, 23,
                               "a whole number ≥ 1"),
    "cap below base": (retry_block("base: 1s", "cap: 100ms"), 17, 14,
                       "cap (100ms) is below base (1s)"),
    "jitter ratio above 1": (retry_block("jitter: proportional", "ratio: 1.5"), 17, 16,
                             "less than or equal to 1"),
    "proportional jitter without ratio": (retry_block("jitter: proportional"), 16, 17,
                                          "proportional jitter needs a ratio"),
    "ratio without proportional jitter": (retry_block("jitter: full", "ratio: 0.2"), 17, 16,
                                          "ratio applies to proportional jitter only"),
    "decorrelated with extra jitter": (retry_block("backoff: decorrelated", "jitter: full"),
                                       17, 17, "decorrelated backoff draws its own randomness"),
    "multiplier below 1": (retry_block("multiplier: 0.5"), 16, 21, "greater than or equal to 1"),
    "budget of both kinds": (retry_block("budget: {percent: 20, min_per_s: 10/s, "
                                         "min_concurrent: 3}"), 16, 64,
                             "either retries per second"),
    "budget that allows nothing": (retry_block("budget: {percent: 0, min_per_s: 0/s}"), 16, 17,
                                   "allows no retries at all"),
    "unknown preset": (retry_block("preset: envoi"), 16, 17, "envoy"),
    "grpc preset without its numbers": (retry_block("preset: grpc"), 16, 9,
                                        "grpc preset needs max_attempts, base, multiplier, cap"),
    "nothing to retry on": (retry_block("retry_on: []"), 16, 19, "at least 1"),
    "unknown failure kind": (retry_block("retry_on: [eror]"), 16, 20, "error"),
    "hedge with two triggers": (layers("hedge: {delay: 10ms, percentile: 95}"), 15, 14,
                                "set exactly one of: delay, percentile"),
    "hedge percentile never ready": (layers("hedge: {percentile: 95, min_samples: 500, "
                                            "window: 100}"), 15, 44, "no copy would be sent"),
    "deadline below a retry": (layers("retry: 3", "deadline: 2s"), 16, 17,
                               "a deadline spans attempts"),
    "negative pushback": (MINIMAL.replace("    workers: 1", "    workers: 1\n"
                                          "    errors: {retry_after: -1s}"), 9, 27,
                          "'-1s' is negative"),
    "contention with a warm-up": (CONTENTION.replace("duration: 100s",
                                                     "duration: 100s\nwarmup: 5s"),
                                  6, 9, "a warm-up would discard them all"),
    "contention and arrivals": (CONTENTION.replace("  contention: {}", "  contention: {}\n"
                                                   "  arrivals: {poisson: 1/s}"), 11, 3,
                                "arrivals (open), closed or contention"),
    "contention with keys": (CONTENTION + "  keys: {count: 10}\n", 14, 9,
                             "writes one shared record"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_invalid_setting_is_reported_at_its_field(tmp_path: Path, name: str) -> None:
    text, line, col, fragment = CASES[name]
    rejection = validate_rejects(tmp_path, textwrap.dedent(text))
    assert (rejection.line, rejection.col) == (line, col), rejection.output
    assert fragment in rejection.output, rejection.output


def test_valid_retry_hedge_and_deadline_layers_pass() -> None:
    text = layers("deadline: 5s", "retry: {preset: envoy, max_attempts: 3}",
                  "hedge: {percentile: 99}", "timeout: {after: 1s, propagate_deadline: false}")
    path_text = textwrap.dedent(text)
    from tests.helpers import scenario_from_yaml

    scenario = scenario_from_yaml(path_text)
    kinds = [item.to_spec().kind for item in scenario.strategies["s"]]
    assert kinds == ["deadline", "retry", "hedge", "timeout"]
