"""The ``recovery:`` section: defaults, a percentage, and each bad value at its position."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import MINIMAL, scenario_from_yaml, validate_rejects


def test_defaults_and_a_percentage() -> None:
    default = scenario_from_yaml(MINIMAL).recovery
    assert (default.tolerance, default.hold, default.step) == (0.2, 10.0, 1.0)
    written = scenario_from_yaml(MINIMAL + "recovery: {tolerance: 5%, hold: 30s, step: 2s}\n")
    assert (written.recovery.tolerance, written.recovery.hold, written.recovery.step) == (
        0.05, 30.0, 2.0)


# MINIMAL's last line is line 12 (its first is empty): the recovery line is line 13.
@pytest.mark.parametrize(("section", "column", "message"), [
    ("recovery: {hold: 0s}", 18, "recovery.hold: Input should be greater than 0"),
    ("recovery: {tolerance: 0}", 23, "recovery.tolerance: Input should be greater than 0"),
    ("recovery: {tolerance: 100%}", 23, "recovery.tolerance: Input should be less than 1"),
    ("recovery: {tolerance: -5%}", 23, "recovery.tolerance: Input should be greater than 0"),
    ("recovery: {hold: 5s, step: 10s}", 28, "step (10s) is longer than hold (5s)"),
    ("recovery: {step: -1s}", 18, "negative"),
])
def test_bad_recovery_settings(tmp_path: Path, section: str, column: int,
                               message: str) -> None:
    rejection = validate_rejects(tmp_path, MINIMAL + section + "\n")
    assert (rejection.line, rejection.col) == (13, column), rejection.output
    assert message in rejection.output
