"""Strategies that change the system: ``- system: {path: value}`` items, their errors at the
override's file:line:col (exit 104), and the changed backends/workload reaching the model."""

from __future__ import annotations

from pathlib import Path

import pytest

from asyncsim.scenarios.build import strategy_specs
from tests.helpers import MINIMAL, scenario_from_yaml, validate_rejects


def _with(strategies: str) -> str:
    return MINIMAL + "strategies:\n  base: []\n" + strategies


def test_a_system_item_changes_only_its_strategy() -> None:
    scenario = scenario_from_yaml(_with(
        "  more:\n    - system: {backends.api.workers: 4, backends.api.drop_expired: true}\n"
        "    - timeout: 1s\n"))
    specs = {spec.name: spec for spec in strategy_specs(scenario)}
    assert specs["base"].backends is None and specs["base"].workload is None
    more = specs["more"]
    assert more.backends is not None
    assert (more.backends[0].workers, more.backends[0].drop_expired) == (4, True)
    assert [layer.kind for layer in more.layers] == ["timeout"]   # the item is no layer
    assert scenario.backends["api"].workers == 1                  # the file is unchanged


def test_a_missing_mapping_on_the_path_is_created_and_defaults_fill_in() -> None:
    scenario = scenario_from_yaml(
        _with("  flaky:\n    - system: {backends.api.errors.rate: 0.5}\n"))
    changed = scenario.system_of("flaky")
    assert changed.backends["api"].errors.rate == 0.5
    assert changed.backends["api"].errors.retry_after is None


def test_the_workload_can_change_too() -> None:
    scenario = scenario_from_yaml(_with(
        "  busy:\n    - system: {workload.arrivals: {poisson: 50/s}}\n"))
    busy = {s.name: s for s in strategy_specs(scenario)}["busy"]
    assert busy.workload is not None and busy.backends is not None


BAD = {
    "unknown field, did you mean": (
        "  x:\n    - system: {backends.api.wrokers: 4}\n", 16, 16,
        "strategies.x.0.system.backends.api.wrokers: unknown field "
        "'wrokers' (did you mean 'workers'?"),
    "unknown backend": (
        "  x:\n    - system: {backends.apx.workers: 4}\n", 16, 16,
        "unknown backend 'apx' (did you mean 'api'? allowed: api)"),
    "wrong type": (
        "  x:\n    - system: {backends.api.workers: many}\n", 16, 38,
        "strategies.x.0.system.backends.api.workers: Input should be a valid integer"),
    "out of range": (
        "  x:\n    - system: {backends.api.workers: 0}\n", 16, 38, "greater than 0"),
    "outside the system": (
        "  x:\n    - system: {seed: 4}\n", 16, 16,
        "a strategy can change backends or workload, not 'seed'"),
    "into a single value": (
        "  x:\n    - system: {backends.api.workers.max: 4}\n", 16, 16,
        "backends.api.workers is a single value (1): it has no field 'max'"),
    "cross-field rule": (
        "  x:\n    - system: {backends.api.faults: [{kind: outage, at: 200s, for: 1s}]}\n",
        16, 37, "backends.api.faults.0.at: the fault starts at 200s, after the run ends"),
    "cross-field rule across the file": (
        "  x:\n    - system: {workload.target: db}\n", 16, 33,
        "workload.target: unknown backend 'db' (allowed: api)"),
    "empty": ("  x:\n    - system: {}\n", 16, 15, "at least 1 item"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_overrides_are_refused_at_the_override(tmp_path: Path, case: str) -> None:
    strategies, line, col, message = BAD[case]
    rejection = validate_rejects(tmp_path, _with(strategies))
    assert (rejection.line, rejection.col) == (line, col), rejection.output
    assert message in rejection.output
