"""The JSON Schema of scenario files, for editors (yaml-language-server modeline)."""

from __future__ import annotations

from typing import Any

from asyncsim import __version__
from asyncsim.scenarios.models import Scenario


def scenario_json_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://asyncsim.invalid/schema/scenario-v1-{__version__}.json"
    schema["title"] = "asyncsim scenario"
    schema["description"] = ("A workload, backends with latency and faults, and the "
                             "strategies to compare. Durations and rates need units.")
    return schema
