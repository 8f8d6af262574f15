"""Gates of a command: parsed before any work, all problems at once; tags read with ValueKey."""

from __future__ import annotations

import pytest

from asyncsim.commands.gates import known_in_summary, parse_gates
from asyncsim.scenarios.problems import ScenarioError
from tests.reports.summaries import summary


def test_known_tags_of_a_summary_come_from_its_value_keys() -> None:
    found = known_in_summary(summary({
        "b": {"backend_calls{backend:api.v2}": [1.0], "latency.p(99)": [0.1]},
        "a": {"queue_wait{backend:db}": [0.0], "cache_size{layer:api:0:cache}": [3.0]}}))
    assert found == {"strategy": ["a", "b"], "backend": ["api.v2", "db"]}


def test_every_bad_option_is_reported_at_once() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_gates(["latency: p(99) <", "nonsense: rate < 1"], ["p99:five"], None,
                    {"strategy": ["a"], "backend": []})
    sources = [p.source for p in caught.value.problems]
    assert sources == ["<--threshold latency: p(99) <>", "<--threshold nonsense: rate < 1>",
                       "<--compare-fail p99:five>"]


def test_good_options_become_gates() -> None:
    gates = parse_gates(["error_rate: rate < 0.1"], ["p99:5%"], None, {"strategy": ["a"]})
    assert [t.text for t in gates.thresholds] == ["error_rate: rate < 0.1"]
    assert [g.key for g in gates.compare_fail] == ["latency.p(99)"]
    assert gates.baseline is None
