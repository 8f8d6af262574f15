"""What several commands share: the usage error, default output folders, scenario facts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.reports.objectives import objectives_section
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


BEHAVIOUR_FAMILIES = {"pages": "pages", "navigation": "prefetch", "feed": "pagination",
                      "live": "live"}
RESILIENCE_LAYERS = frozenset({"retry", "breaker", "timeout", "bulkhead", "ratelimit",
                               "fallback", "deadline"})


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


def scenario_meta(scenario: Scenario) -> dict[str, Any]:
    """The scenario section of summary.json."""
    return {"name": scenario.name, "description": scenario.description, "seed": scenario.seed,
            "duration_s": scenario.duration, "warmup_s": scenario.warmup,
            "replications": scenario.replications}


def overrides(sets: Sequence[str] | None, **named: Any) -> list[str]:
    """``--set`` overrides plus named options that are overrides too (``--seed 3``)."""
    extra = [f"{k}={v}" for k, v in named.items() if v is not None]
    return [*(sets or []), *extra]

