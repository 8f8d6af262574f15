"""Small decisions commands share: output folders, overrides, strategy pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from asyncsim.commands.common import UsageError, default_out_dir, overrides
from asyncsim.commands.compare import strategy_pair
from asyncsim.commands.sweep import strategy_names, sweep_out_dir
from tests.helpers import MINIMAL, scenario_from_yaml


def test_output_folders_are_named_after_the_scenario() -> None:
    scenario = scenario_from_yaml(MINIMAL.replace("name: test", "name: 'API / v2: swr?'"))
    assert default_out_dir(scenario) == Path("asyncsim-out") / "API-v2-swr"
    assert sweep_out_dir(scenario) == Path("asyncsim-out") / "API-v2-swr-sweep"


def test_named_options_are_overrides_after_the_sets() -> None:
    assert overrides(["a=1"], seed=3, replications=None) == ["a=1", "seed=3"]
    assert overrides(None) == []


def test_strategy_pairs() -> None:
    assert strategy_pair(" a , b", None) == ("a", "b")
    assert strategy_pair(None, Path("b.json")) is None
    for text, b in (("a", None), ("a,", None), ("a,b", Path("b.json")), (None, None)):
        with pytest.raises(UsageError):
            strategy_pair(text, b)


def test_strategy_names() -> None:
    assert strategy_names("a, b") == ["a", "b"]
    assert strategy_names(None) is None
    assert strategy_names("") is None
