"""The outcome explore looks for: a yes/no metric, or a threshold that fails."""

from __future__ import annotations

import math

import pytest

from asyncsim.reports.explore.outcome import OutcomeError, parse_outcome


def test_metastable_is_yes_when_the_run_did_not_recover() -> None:
    outcome = parse_outcome("metastable")
    assert outcome.needs_fault and outcome.label == "metastable"
    assert outcome.flag({"metastable": 1.0}, 50.0) is True
    assert outcome.flag({"metastable": 0.0}, 50.0) is False
    assert outcome.flag({"metastable": math.nan}, 50.0) is None
    assert outcome.flag({}, 50.0) is None


def test_a_tagged_yes_no_metric() -> None:
    outcome = parse_outcome("recovered{fault:api#1}")
    assert outcome.key == "recovered{fault:api#1}"
    assert outcome.flag({"recovered{fault:api#1}": 1.0, "recovered": 0.0}, 1.0) is True


def test_a_threshold_is_yes_when_it_fails() -> None:
    outcome = parse_outcome("recovery_time: max < 30s")
    assert outcome.label == "fails 'recovery_time: max < 30s'" and outcome.needs_fault
    assert outcome.flag({"recovery_time.max": 45.0}, 50.0) is True
    assert outcome.flag({"recovery_time.max": 12.0}, 50.0) is False
    rate = parse_outcome("error_rate: rate < 0.05")
    assert not rate.needs_fault and rate.flag({"error_rate": 0.2}, 50.0) is True


def test_a_threshold_on_one_strategy_applies_to_it_only() -> None:
    outcome = parse_outcome("metastable{strategy:budget}: rate < 0.5",
                            {"strategy": ["budget", "immediate"]})
    assert outcome.applies_to("budget") and not outcome.applies_to("immediate")


@pytest.mark.parametrize(("text", "says", "col"), [
    ("metastabel", "did you mean 'metastable'?", 0),
    ("goodput", "is not yes or no per run", 0),
    ("recovered{backend:api}", "has no tag 'backend'", 10),
    ("latency: p(99) <", "expected", 16),
    ("latncy: p(99) < 1s", "did you mean 'latency'", 0),
])
def test_bad_outcomes_say_what_is_allowed(text: str, says: str, col: int) -> None:
    with pytest.raises(OutcomeError) as error:
        parse_outcome(text)
    assert says in error.value.message
    assert error.value.offset >= col
