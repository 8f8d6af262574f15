"""The ``thresholds:`` section: short and long forms, and every mistake at its line:col."""

from __future__ import annotations

import pytest

from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.scenarios.problems import ScenarioError
from tests.helpers import MINIMAL, loaded_from_yaml, scenario_from_yaml

# MINIMAL has 13 lines (the first is empty); a strategies block makes it 16, so the
# thresholds key below is on line 17 and its entries start on line 18.
BASE = MINIMAL + "strategies:\n  plain: []\n  timeout:\n    - timeout: 15ms\nthresholds:\n"


def problems(thresholds: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_yaml(BASE + thresholds)
    return [str(p) for p in caught.value.problems]


def test_short_and_long_forms_parse_in_order() -> None:
    loaded = loaded_from_yaml(BASE + """\
  "latency{strategy:timeout}": ["p(99) < 20ms", "avg <= 10ms"]
  error_rate:
    - {threshold: "rate < 1%", abort_on_fail: true, delay_abort_eval: 30s}
  "backend_calls{backend:api}": ["rate < 11/s"]
""")
    parsed = loaded.thresholds
    assert [t.text for t in parsed] == [
        "latency{strategy:timeout}: p(99) < 20ms", "latency{strategy:timeout}: avg <= 10ms",
        "error_rate: rate < 1%", "backend_calls{backend:api}: rate < 11/s"]
    assert [t.abort_on_fail for t in parsed] == [False, False, True, False]
    assert parsed[2].delay_abort_eval_s == 30.0
    assert parsed[0].expression.limit == pytest.approx(0.02)


@pytest.mark.parametrize(("thresholds", "expected"), [
    ('  latncy: ["p(99) < 1s"]\n',
     "test.yaml:18:3: thresholds.latncy: unknown metric 'latncy' (did you mean 'latency'?)"),
    ('  "latency{strategy:timout}":\n    - p(99) < 1s\n',
     "test.yaml:18:3: thresholds.latency{strategy:timout}: unknown strategy 'timout' "
     "(did you mean 'timeout'?) (allowed: plain, timeout)"),
    ('  "latency{backend:api}": ["avg < 1s"]\n',
     "test.yaml:18:3: thresholds.latency{backend:api}: latency has no tag 'backend' "
     "(allowed: strategy, class)"),
    ('  latency:\n    - avg < 1s\n    - p(99) < 300\n',
     "test.yaml:20:7: thresholds.latency.1: 'p(99) < 300': 300 has no unit: write 300ms or "
     "300s (a bare number would be ms in k6; asyncsim wants the unit) (at character 9)"),
    ('  error_rate: ["avg < 1%"]\n',
     "test.yaml:18:16: thresholds.error_rate.0: 'avg < 1%': avg does not apply to rate "
     "error_rate (allowed: rate) (at character 1)"),
    ('  latency:\n    - {threshold: "p(99) <> 1s", abort_on_fail: true}\n',
     "test.yaml:19:19: thresholds.latency.0.threshold: 'p(99) <> 1s': expected a value "
     "after '<', got '> ' (at character 8)"),
    ('  latency: [{threshold: "avg < 1s", delay_abort_eval: 5s}]\n',
     "test.yaml:18:55: thresholds.latency.0.delay_abort_eval: delay_abort_eval only delays "
     "abort_on_fail checks: set abort_on_fail: true or remove it"),
    ('  latency: [{threshold: "avg < 1s", abort_on_fail: true, delay_abort_eval: 2m}]\n',
     "test.yaml:18:76: thresholds.latency.0.delay_abort_eval: delay_abort_eval (120s) is "
     "not shorter than the run (100s): the abort would never be checked"),
    ('  latency: [{threshold: "avg < 1s", abortOnFail: true}]\n',
     "test.yaml:18:37: thresholds.latency.0.abortOnFail: unknown field 'abortOnFail' (did "
     "you mean 'abort_on_fail'? allowed: threshold, abort_on_fail, delay_abort_eval)"),
    ('  latency: [5]\n',
     "test.yaml:18:13: thresholds.latency.0: a threshold is an expression like "
     "'p(99) < 300ms' or a mapping {threshold: ..., abort_on_fail: true} (got 5)"),
    ('  latency: []\n',
     "test.yaml:18:12: thresholds.latency: list at least one expression, e.g. "
     "['p(99) < 300ms']"),
])
def test_each_mistake_is_located(thresholds: str, expected: str) -> None:
    assert problems(thresholds) == [expected]


def test_every_problem_at_once() -> None:
    found = problems('  latncy: ["avg < 1s"]\n  error_rate: ["rate < 1ms"]\n'
                     '  "backend_calls{backend:db}": ["count < 1"]\n')
    assert [p.split(": ")[0] for p in found] == ["test.yaml:18:3", "test.yaml:19:16",
                                                 "test.yaml:20:3"]


def test_set_override_of_a_threshold_is_validated_too(tmp_path: object) -> None:
    from pathlib import Path

    from asyncsim.scenarios.load import load_scenario

    path = Path(str(tmp_path)) / "s.yaml"
    path.write_text(BASE + '  latency: ["avg < 1s"]\n')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, ["thresholds.latency.0=avg < 1"], metrics=REGISTRY)
    assert "1 has no unit" in str(caught.value)


FAULTY = BASE.replace("    latency: {exponential: 10ms}\n",
                      "    latency: {exponential: 10ms}\n"
                      "    faults: [{kind: outage, at: 40s, for: 10s}]\n")


def test_thresholds_on_the_time_after_a_fault_parse() -> None:
    loaded = loaded_from_yaml(FAULTY + """\
  recovery_time: ["max < 30s"]
  "error_rate{window:after_fault}": ["rate < 0.01"]
  "recovered{fault:api#1}": ["rate == 1"]
""")
    assert [t.key for t in loaded.thresholds] == [
        "recovery_time.max", "error_rate{window:after_fault}", "recovered{fault:api#1}"]
    assert loaded.thresholds[0].expression.limit == 30.0


@pytest.mark.parametrize(("text", "thresholds", "expected"), [
    (BASE, '  "error_rate{window:after_fault}": ["rate < 0.01"]\n',
     "test.yaml:18:3: thresholds.error_rate{window:after_fault}: window:after_fault names "
     "time around a fault, but no backend of this scenario has faults"),
    (FAULTY, '  "error_rate{window:after}": ["rate < 0.01"]\n',
     "unknown window 'after' (did you mean 'after_fault'?) (allowed: after_fault, "
     "before_fault, during_fault)"),
    (FAULTY, '  "recovered{fault:api#2}": ["rate == 1"]\n',
     "unknown fault 'api#2' (did you mean 'api#1'?) (allowed: api#1)"),
])
def test_fault_windows_are_checked(text: str, thresholds: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_yaml(text + thresholds)
    assert expected in "\n".join(str(p) for p in caught.value.problems)
