"""A strategy that sets ``workers: 16`` is the file with ``workers: 16``: per-strategy values
byte-identical to a separate run of that file with the same seed (common random numbers
across strategies that change the system)."""

from __future__ import annotations

import json

from tests.helpers import run_yaml

BASE = """
version: 1
name: overrides
seed: 5
duration: 60s
warmup: 5s
replications: 2
backends:
  api:
    workers: {workers}
    queue_limit: 30
    drop_expired: {drop}
    latency: {{lognormal: {{median: 80ms, p99: 400ms}}}}
    errors: {{rate: 0.01}}
    faults: [{{kind: slowdown, at: 20s, for: 10s, factor: 2}}]
workload:
  target: api
  arrivals: {{poisson: 100/s}}
  keys: {{count: 100, zipf: 0.9}}
strategies:
"""


def _values(text: str, strategy: str) -> str:
    output = run_yaml(text)
    return json.dumps(output.summary["strategies"][strategy]["values"], sort_keys=True)


def test_a_system_strategy_is_the_file_it_describes() -> None:
    changed = BASE.format(workers=8, drop="false") + (
        "  small: []\n"
        "  big:\n"
        "    - system: {backends.api.workers: 16, backends.api.drop_expired: true}\n"
        "    - deadline: 500ms\n")
    separate = BASE.format(workers=16, drop="true") + "  big:\n    - deadline: 500ms\n"
    assert _values(changed, "big") == _values(separate, "big")
    small_alone = BASE.format(workers=8, drop="false") + "  small: []\n"
    assert _values(changed, "small") == _values(small_alone, "small")
