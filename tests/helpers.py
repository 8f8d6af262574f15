"""Shared test helpers: build and run scenarios from YAML text, in-process."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asyncsim.commands.run import RunOutput, run_scenario
from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.scenarios.load import LoadedScenario, validate_tree
from asyncsim.scenarios.models import Scenario
from asyncsim.scenarios.yaml.reading import load_yaml_text

MINIMAL = """
version: 1
name: test
seed: 1
duration: 100s
backends:
  api:
    workers: 1
    latency: {exponential: 10ms}
workload:
  target: api
  arrivals: {poisson: 10/s}
"""


def scenario_from_yaml(text: str, source: str = "test.yaml") -> Scenario:
    return loaded_from_yaml(text, source).scenario


def loaded_from_yaml(text: str, source: str = "test.yaml") -> LoadedScenario:
    return validate_tree(load_yaml_text(textwrap.dedent(text), source), source,
                         metrics=REGISTRY)


def run_yaml(text: str, out_dir: Path | None = None, jobs: int = 1) -> RunOutput:
    """Validate and run a scenario given as YAML text; returns the in-memory output."""
    return run_scenario(loaded_from_yaml(text), out_dir, jobs=jobs)


def value(output: RunOutput, strategy: str, key: str) -> Any:
    """The mean over replications of one value key, e.g. ``latency.p(99)``."""
    return output.summary["strategies"][strategy]["values"][key]["mean"]


def idle_everywhere(summary: dict[str, Any], key: str) -> bool:
    """A pattern (non-core) metric at its idle value in every strategy: the report and the
    terminal leave its row out (hit_rate without a cache, breaker rows without a breaker)."""
    metric = REGISTRY[ValueKey.parse(key).name]
    means = [entry["values"].get(key, {}).get("mean")     # a strategy may lack it (no cache)
             for entry in summary["strategies"].values()]
    return metric.family != "core" and all(m is None or m == metric.idle for m in means)


@dataclass(frozen=True)
class Rejection:
    """How ``asyncsim validate`` refused a file: its first problem's position, all output."""

    line: int
    col: int
    message: str
    output: str


def validate_rejects(tmp_path: Path, text: str) -> Rejection:
    """Validate ``text`` through the CLI: exit 104, no traceback, a file:line:col problem."""
    from typer.testing import CliRunner

    from asyncsim.cli import cli

    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 104, result.output
    assert "Traceback" not in result.output
    found = re.search(rf"{re.escape(str(path))}:(\d+):(\d+): (.*)", result.output)
    assert found is not None, result.output
    return Rejection(int(found.group(1)), int(found.group(2)), found.group(3), result.output)


def summary_bytes(tmp_path: Path, name: str, text: str, jobs: int) -> bytes:
    """Run a scenario through the CLI and return its summary.json as written."""
    from typer.testing import CliRunner

    from asyncsim.cli import cli

    scenario = tmp_path / f"{name}.yaml"
    scenario.write_text(text)
    out = tmp_path / name
    result = CliRunner().invoke(cli, ["run", str(scenario), "--out", str(out), "--jobs",
                                      str(jobs), "--quiet"])
    assert result.exit_code == 0, result.output
    return (out / "summary.json").read_bytes()
