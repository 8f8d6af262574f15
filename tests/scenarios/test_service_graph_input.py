"""Backends' ``calls``: the service graph reaches the model, and bad graphs exit 104 at the
call to fix (cycles at the closing edge, unknown backends with a hint)."""

from __future__ import annotations

from pathlib import Path

import pytest

from asyncsim.scenarios.build import simulation_spec
from asyncsim.sim.graph import HopSpec
from tests.helpers import scenario_from_yaml, validate_rejects

GRAPH = """
version: 1
name: graph
duration: 10s
backends:
  api:
    latency: 1ms
    calls:
      - call: db
      - parallel: [{backend: db, layers: [{timeout: 50ms}]}, search]
    after: 1ms
    blocking: false
  db:
    latency: 1ms
    calls: []
  search:
    latency: 1ms
workload:
  target: api
  arrivals: {poisson: 10/s}
"""


def test_calls_become_steps_of_hops() -> None:
    spec = simulation_spec(scenario_from_yaml(GRAPH))
    api = spec.backends[0]
    assert api.steps[0] == (HopSpec("db"),)
    assert [hop.target for hop in api.steps[1]] == ["db", "search"]
    assert [layer.kind for layer in api.steps[1][0].layers] == ["timeout"]
    assert api.after is not None and api.blocking is False


BAD = {
    "cycle": (GRAPH.replace("    calls: []", "    calls: [call: api]"), 15, 19,
              "call cycle: api -> db -> api (this call from 'db' to 'api' closes it"),
    "unknown backend": (GRAPH.replace("      - call: db\n", "      - call: dbb\n"), 9, 15,
                        "unknown backend 'dbb' (did you mean 'db'? allowed: api, db, search)"),
    "not a layer": (GRAPH.replace("{timeout: 50ms}", "{page_load: parallel}"), 10, 55,
                    "page_load is not a layer"),
    "self call": (GRAPH.replace("    calls: []", "    calls: [call: db]"), 15, 19,
                  "call cycle: db -> db"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_graphs_exit_104_at_the_call(tmp_path: Path, case: str) -> None:
    text, line, col, message = BAD[case]
    rejection = validate_rejects(tmp_path, text)
    assert message in rejection.output
    assert (rejection.line, rejection.col) == (line, col), rejection.output
