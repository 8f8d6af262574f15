"""``summary.json``: the versioned, deterministic record of a run's metrics.

Layout (schema ``asyncsim.summary/1``)::

    {
      "schema": "asyncsim.summary/1",
      "asyncsim_version": "0.1.0",
      "scenario": {"name", "description", "seed", "duration_s", "warmup_s", "replications"},
      "metrics": {"<metric>": {"kind", "unit", "better", "meaning"}},
      "strategies": {
        "<strategy>": {
          "values": {"<key>": {"mean", "ci95_low", "ci95_high"}},
          "replications": {"<key>": [value per replication]}
        }
      }
    }

A value key is a metric name with an optional tag and statistic: ``latency.p(99)``,
``success_rate``, ``backend_calls{backend:api}``. Times are in seconds, rates in [0, 1].
Nothing machine-dependent (wall time, CPU, paths) is written, so the same scenario and
seed give the same bytes under any ``--jobs`` or strategy order.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from asyncsim import __version__
from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.reports.reduction import RunSummary, aggregate

SCHEMA = "asyncsim.summary/1"


class SummaryFormatError(ValueError):
    """A file that is not an asyncsim summary of a version we read."""


def build_summary(scenario: dict[str, Any], runs: Sequence[RunSummary]) -> dict[str, Any]:
    estimates = aggregate(runs)
    strategies: dict[str, Any] = {}
    for name, values in estimates.items():
        reps = sorted((r for r in runs if r.strategy == name), key=lambda r: r.replication)
        strategies[name] = {
            "values": {k: {"mean": e.mean, "ci95_low": e.low, "ci95_high": e.high}
                       for k, e in values.items()},
            "replications": {k: [r.values.get(k, float("nan")) for r in reps] for k in values},
        }
    return {
        "schema": SCHEMA,
        "asyncsim_version": __version__,
        "scenario": scenario,
        "metrics": {m.name: {"kind": m.kind, "unit": m.unit, "better": m.better,
                             "meaning": m.meaning} for m in REGISTRY.values()},
        "strategies": strategies,
    }


def read_summary(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise SummaryFormatError(f"{path}: cannot read a summary: {err}") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        got = data.get("schema") if isinstance(data, dict) else type(data).__name__
        raise SummaryFormatError(f"{path}: not an {SCHEMA} file (schema: {got!r})")
    _check_keys(path, data)
    return data


def _check_keys(path: Path, data: dict[str, Any]) -> None:
    """Every value key reads as ``name{tag}.stat``: a hand-edited file fails here, once,
    rather than in whichever reader meets the key first."""
    strategies = data.get("strategies")
    for entry in strategies.values() if isinstance(strategies, dict) else ():
        values = entry.get("values") if isinstance(entry, dict) else None
        for key in values if isinstance(values, dict) else ():
            try:
                ValueKey.parse(key)
            except ValueError as err:
                raise SummaryFormatError(f"{path}: {err}") from None
