"""Shared test helpers: build and run scenarios from YAML text, in-process."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from asyncsim import app
from asyncsim.reports.catalog import REGISTRY
from asyncsim.reports.terminal import split_key
from asyncsim.scenarios.load import LoadedScenario, validate_tree
from asyncsim.scenarios.models import Scenario
from asyncsim.scenarios.yaml_io import load_yaml_text

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
    return validate_tree(load_yaml_text(textwrap.dedent(text), source), source)


def run_yaml(text: str, out_dir: Path | None = None, jobs: int = 1) -> app.RunOutput:
    """Validate and run a scenario given as YAML text; returns the in-memory output."""
    return app.run(LoadedScenario(scenario_from_yaml(text), "test.yaml"), out_dir, jobs=jobs)


def value(output: app.RunOutput, strategy: str, key: str) -> Any:
    """The mean over replications of one value key, e.g. ``latency.p(99)``."""
    return output.summary["strategies"][strategy]["values"][key]["mean"]


def idle_everywhere(summary: dict[str, Any], key: str) -> bool:
    """A pattern (non-core) metric at its idle value in every strategy: the report and the
    terminal leave its row out (hit_rate without a cache, breaker rows without a breaker)."""
    metric = REGISTRY[split_key(key)[0]]
    means = [entry["values"][key]["mean"] for entry in summary["strategies"].values()]
    return metric.family != "core" and all(m is None or m == metric.idle for m in means)
