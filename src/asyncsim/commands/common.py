"""What several commands share: the usage error, default output folders, scenario facts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.scenarios.load import LoadedScenario, load_scenario
from asyncsim.scenarios.models import Scenario


class UsageError(ValueError):
    """A command used wrongly (exit 2): unknown strategy, missing argument."""


def load(path: Path, overrides: Sequence[str] = ()) -> LoadedScenario:
    """The scenario with every check, its thresholds parsed against the metric registry
    (the command layer is where the scenario language meets the metric vocabulary)."""
    return load_scenario(path, overrides, metrics=REGISTRY)


def default_out_dir(scenario: Scenario) -> Path:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", scenario.name).strip("-.") or "scenario"
    return Path("asyncsim-out") / slug


def scenario_meta(scenario: Scenario) -> dict[str, Any]:
    """The scenario section of summary.json."""
    return {"name": scenario.name, "description": scenario.description, "seed": scenario.seed,
            "duration_s": scenario.duration, "warmup_s": scenario.warmup,
            "replications": scenario.replications}


def overrides(sets: Sequence[str] | None, **named: Any) -> list[str]:
    """``--set`` overrides plus named options that are overrides too (``--seed 3``)."""
    extra = [f"{k}={v}" for k, v in named.items() if v is not None]
    return [*(sets or []), *extra]



def trace_warnings(scenario: Scenario) -> list[str]:
    """What a run should warn about its input: a trace that ``sort: true`` reordered."""
    arrivals = scenario.workload.arrivals
    trace = arrivals.trace if arrivals is not None else None
    if trace is None or trace.trace.reordered == 0:
        return []
    return [f"{trace.file}: {trace.trace.reordered} record(s) were out of time order and "
            "were sorted by time (sort: true); equal times keep the file's order"]
