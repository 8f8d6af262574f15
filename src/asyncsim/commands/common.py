"""What several commands share: the usage error, default output folders, scenario facts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.reports.metrics.registry import RecoverySettings
from asyncsim.reports.objectives import objectives_section
from asyncsim.scenarios.checks.cost import (
    MAX_MEMORY_BYTES,
    MAX_REQUESTS,
    cost_problem,
    estimate_cost,
)
from asyncsim.scenarios.load import LoadedScenario, load_scenario
from asyncsim.scenarios.models import Scenario
from asyncsim.scenarios.problems import Problem, ScenarioError


class UsageError(ValueError):
    """A command used wrongly (exit 2): unknown strategy, missing argument."""


def load(path: Path, overrides: Sequence[str] = (), *, max_requests: float = MAX_REQUESTS,
         max_memory_bytes: float = MAX_MEMORY_BYTES) -> LoadedScenario:
    """The scenario with every check, its thresholds parsed against the metric registry
    (the command layer is where the scenario language meets the metric vocabulary), and
    its estimated cost within the limits (scenarios/checks/cost.py)."""
    loaded = load_scenario(path, overrides, metrics=REGISTRY)
    problem = cost_problem(estimate_cost(loaded.scenario), max_requests, max_memory_bytes)
    if problem is not None:
        raise ScenarioError([Problem(loaded.source, 1, 1, "", problem)])
    return loaded


_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?)\s*(B|kB|KB|MB|GB|TB)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3, "tb": 1024**4}


def parse_size_bytes(text: str) -> float:
    """``8GB`` -> bytes, for --max-memory (binary units: 1 GB = 1024^3 bytes)."""
    match = _SIZE.match(text)
    if match is None:
        raise UsageError(f"--max-memory {text!r} is not a size (e.g. 512MB, 8GB)")
    return float(match.group(1)) * _SIZE_UNITS[(match.group(2) or "B").lower()]


def default_out_dir(scenario: Scenario) -> Path:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", scenario.name).strip("-.") or "scenario"
    return Path("asyncsim-out") / slug


BEHAVIOUR_FAMILIES = {"pages": "pages", "navigation": "prefetch", "feed": "pagination",
                      "live": "live"}
RESILIENCE_LAYERS = frozenset({"retry", "breaker", "timeout", "bulkhead", "ratelimit",
                               "throttle", "limiter", "fallback", "deadline"})


def workload_families(scenario: Scenario) -> list[str]:
    """The workload families a scenario belongs to, most specific first: they choose the
    default objectives (reports/objectives.py) when the scenario states none."""
    kinds = {item.kind for items in scenario.strategies.values() for item in items}
    families = []
    behaviour = scenario.workload.behaviour
    if "mutation" in kinds:
        families.append("optimistic")
    if behaviour in BEHAVIOUR_FAMILIES:
        families.append(BEHAVIOUR_FAMILIES[behaviour])
    if scenario.workload.contention is not None:
        families.append("contention")
    if "cache" in kinds:
        families.append("caching")
    contention = scenario.workload.contention is not None
    if not contention and (kinds & RESILIENCE_LAYERS
                           or any(b.faults for b in scenario.backends.values())):
        families.append("resilience")
    return families


def objectives_of(loaded: LoadedScenario) -> dict[str, Any]:
    """summary.json's ``objectives``: the scenario's own, else its families' key metrics."""
    objectives = loaded.objectives
    goals = [(g.key, g.direction) for g in objectives.goals] if objectives else None
    constraints = [{"key": c.key, "operator": c.operator, "limit": c.limit, "text": c.text}
                   for c in (objectives.constraints if objectives else ())]
    return objectives_section(goals, constraints, workload_families(loaded.scenario))


def recovery_settings(scenario: Scenario) -> RecoverySettings:
    """The scenario's ``recovery:`` section as the recovery metrics read it."""
    config = scenario.recovery
    return RecoverySettings(config.tolerance, config.hold, config.step)


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
