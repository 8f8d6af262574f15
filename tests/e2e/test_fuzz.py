"""Fuzzing the bundled examples: every mutation is accepted and runs with finite numbers,
or is refused cleanly (exit 104 or 2 with a position), never with a traceback.

Mutations replace one leaf of an example's YAML tree (or add one unknown key) with a
value from a hostile list: non-finite and huge numbers, wrong types, markup, control
characters, degenerate durations and rates. Validation runs in-process through the CLI;
a smaller sample of accepted mutations, shortened, goes through ``run``. Hypothesis's
deadline is the time bound of one example (a hang fails the test instead of CI).
"""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from typer.testing import CliRunner

from asyncsim.cli import cli

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "examples").glob("*.yaml"))
HOSTILE: list[Any] = [
    math.inf, -math.inf, math.nan, -1, 0, 1, 1e308, 2**63, 10**30, -(2**63), True, None, "",
    "[/]", "[/red]", "api\x1b[2J", "a\x00b", "inf", "never", "1e400s", "0s", "1/0s",
    "1/5e-324s", "inf/s", "1e300/s", "-5ms", "5", [], {}, [1, 2], {"x": 1}, "1e-300s",
    "9999999999999999999d", 0.5, 1e-300,
]
PROBLEM = re.compile(r"^\S.*:\d+:\d+: \S")
runner = CliRunner()
_safe = YAML(typ="safe")


def _load(path: Path) -> Any:
    return _safe.load(path.read_text())


def _paths(tree: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a node (leaves and containers) below the top level."""
    out = [at] if at else []
    if isinstance(tree, dict):
        for key, value in tree.items():
            out += _paths(value, (*at, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            out += _paths(value, (*at, index))
    return out


def _set(tree: Any, path: tuple[Any, ...], value: Any) -> None:
    node = tree
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    example = draw(st.sampled_from(EXAMPLES))
    tree = _load(example)
    paths = _paths(tree)
    for _ in range(draw(st.integers(1, 2))):
        path = draw(st.sampled_from(paths))
        value = draw(st.sampled_from(HOSTILE))
        if draw(st.booleans()) and isinstance(path[-1], str):
            path = (*path[:-1], draw(st.sampled_from(["factor", "workers", "jitter", "zzz"])))
        try:
            _set(tree, path, value)
        except (KeyError, IndexError, TypeError):
            continue
        paths = _paths(tree)
    return example.name, tree


def _dump(tree: Any, folder: Path) -> Path:
    text = io.StringIO()
    _safe.dump(tree, text)
    path = folder / "mutant.yaml"
    path.write_text(text.getvalue())
    return path


def _assert_clean(output: str, code: int) -> None:
    assert "Traceback" not in output and "bug in asyncsim" not in output, output
    assert code in (0, 2, 104), (code, output)
    if code == 104:
        lines = output.strip().splitlines()
        assert lines and all(PROBLEM.match(line) for line in lines[:-1]), output
    assert "\x1b" not in output and "\x00" not in output


@pytest.mark.slow
@pytest.mark.slow
@settings(max_examples=50, deadline=20_000,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=mutated())
def test_mutated_examples_validate_cleanly(case: tuple[str, Any], tmp_path_factory: Any) -> None:
    _, tree = case
    path = _dump(tree, tmp_path_factory.mktemp("fuzz"))
    result = runner.invoke(cli, ["validate", str(path)])
    _assert_clean(result.output, result.exit_code)


def _short(tree: Any) -> Any:
    if isinstance(tree, dict):
        tree["duration"] = "20s"
        tree["warmup"] = "0s"
        tree["replications"] = 1
        strategies = tree.get("strategies")
        if isinstance(strategies, dict) and len(strategies) > 2:
            tree["strategies"] = dict(list(strategies.items())[:2])
    return tree


def _non_finite(values: Any) -> list[str]:
    bad = []
    for key, value in values.items():
        mean = value.get("mean") if isinstance(value, dict) else value
        if mean is None or (isinstance(mean, float) and not math.isfinite(mean)):
            bad.append(key)
    return bad


@pytest.mark.slow
@settings(max_examples=5, deadline=60_000,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=mutated())
def test_a_sample_of_mutants_runs_with_finite_metrics(case: tuple[str, Any],
                                                      tmp_path_factory: Any) -> None:
    _, tree = case
    folder = tmp_path_factory.mktemp("fuzzrun")
    path = _dump(_short(tree), folder)
    out = folder / "out"
    result = runner.invoke(cli, ["run", str(path), "--out", str(out), "-q", "--jobs", "1"])
    _assert_clean(result.output, result.exit_code if result.exit_code != 99 else 0)
    if result.exit_code not in (0, 99):
        assert not out.exists()
        return
    summary = json.loads((out / "summary.json").read_text())
    for name, strategy in summary["strategies"].items():
        values = strategy["values"]
        requests = values.get("requests", {}).get("mean") or 0
        if requests > 0:
            core = {k: v for k, v in values.items()
                    if k.split("{")[0].split(".")[0] in ("latency", "requests", "success_rate",
                                                         "error_rate")}
            assert not _non_finite(core), (name, _non_finite(core))
