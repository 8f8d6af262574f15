"""The service-graph picture labels each strategy's backends with that strategy's replica
count: a strategy whose ``system`` adds replicas is drawn with them."""

from __future__ import annotations

from typing import Any

from asyncsim.commands.run import report_meta
from asyncsim.reports.render.graph.service_graph import service_graph_charts
from tests.helpers import scenario_from_yaml
from tests.reports.summaries import summary

SCENARIO = """
version: 1
name: graph
seed: 1
duration: 10s
backends:
  api:
    workers: 4
    latency: {exponential: 10ms}
    calls: [{call: db}]
  db:
    workers: 2
    latency: {exponential: 5ms}
workload:
  target: api
  arrivals: {poisson: 10/s}
strategies:
  plain: []
  scaled:
    - system: {backends.db.replicas: 3}
"""


def _labels(chart: Any) -> list[str]:
    return [label for trace in chart.figure.data for label in (trace.text or ())]


def test_each_strategy_is_drawn_with_its_own_replicas() -> None:
    meta = report_meta(scenario_from_yaml(SCENARIO))
    assert meta.replicas == {"plain": {"api": 1, "db": 1}, "scaled": {"api": 1, "db": 3}}
    edges = {"edge_calls{edge:client->api}": [10.0], "edge_calls{edge:api->db}": [10.0],
             "edge_amplification{edge:client->api}": [1.0],
             "edge_amplification{edge:api->db}": [1.0]}
    plain, scaled = service_graph_charts(summary({"plain": edges, "scaled": edges}),
                                         ["plain", "scaled"], meta.replicas)[:2]
    assert "db" in _labels(plain) and "db ×3" not in _labels(plain)
    assert "db ×3" in _labels(scaled)
