"""Request classes in the workload: a priority queue and shedding by class, per-class
metrics, and the bad inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from asyncsim.scenarios.problems import ScenarioError
from tests.helpers import run_yaml, scenario_from_yaml, validate_rejects, value

SPIKE = """
version: 1
name: classes
seed: 2
duration: 120s
warmup: 10s
backends:
  api:
    workers: 1
    latency: 500ms
    queue: {discipline: priority, shed: {from_priority: 1, when_waiting: 0}}
workload:
  target: api
  arrivals: {poisson: 3/s}
  classes:
    user: {share: 0.3, priority: 0}
    prefetch: {share: 0.7, priority: 1}
strategies:
  shed: []
  fifo:
    - system: {backends.api.queue: fifo}
"""


def test_shedding_by_class_keeps_the_important_class_served() -> None:
    output = run_yaml(SPIKE)
    # 3 req/s of 0.5 s against one worker (rho 1.5): FIFO serves whoever comes first.
    assert value(output, "shed", "success_rate{class:user}") == 1.0
    assert value(output, "shed", "success_rate{class:prefetch}") < 0.7
    assert value(output, "shed", "shed") > 0
    assert value(output, "fifo", "latency{class:user}.p(99)") > 10 * value(
        output, "shed", "latency{class:user}.p(99)")
    # every request is in one class: the class shares weight back to the total
    total = value(output, "shed", "success_rate")
    requests = output.summary["strategies"]["shed"]["values"]
    assert 0 < total < 1 and "success_rate{class:user}" in requests


def test_class_threshold_names_are_checked() -> None:
    scenario = SPIKE + 'thresholds:\n  "success_rate{class:usr}": ["rate > 0.99"]\n'
    with pytest.raises(ScenarioError) as caught:
        scenario_from_yaml(scenario)
    assert "unknown class 'usr' (did you mean 'user'?)" in str(caught.value.problems[0])


@pytest.mark.parametrize(("old", "new", "message"), [
    ("share: 0.7", "share: 0.6", "the classes' shares add up to 0.9, not 1"),
    ("share: 0.7", "share: 0", "greater than 0"),
    ("priority: 1}", "priority: -1}", "greater than or equal to 0"),
    ("  classes:\n    user: {share: 0.3, priority: 0}\n    prefetch: {share: 0.7, priority: 1}\n",
     "", "a priority queue or shedding by class needs request classes"),
    ("from_priority: 1", "from_priority: 0", "greater than or equal to 1"),
])
def test_bad_classes(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in SPIKE
    rejection = validate_rejects(tmp_path, SPIKE.replace(old, new))
    assert message in rejection.output
