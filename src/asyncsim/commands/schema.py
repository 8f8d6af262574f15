"""``asyncsim schema``: the JSON Schema of scenario files, for editors."""

from __future__ import annotations

import json

from asyncsim.scenarios.schema import scenario_json_schema


def schema_text() -> str:
    """Sorted and indented, so the committed ``asyncsim.schema.json`` diffs cleanly."""
    return json.dumps(scenario_json_schema(), indent=2, sort_keys=True) + "\n"
