"""Service-graph, per-tier and cache-tier metrics, computed from hand-made runs whose
answers are worked out here."""

from __future__ import annotations

import math

import numpy as np
import pytest

from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.reports.metrics.registry import RunView
from asyncsim.sim.graph_times import FanoutTimes, GraphTimes
from asyncsim.sim.measure.histogram import RELATIVE_ERROR
from asyncsim.sim.measure.streams import ValueSummary
from asyncsim.sim.simulation import LayerStats, RunResult
from tests.reports.metrics.test_retry import OK, result


def compute(name: str, run: RunResult) -> dict[str, float]:
    return REGISTRY[name].compute(RunView(run))


def graph_run(graph: GraphTimes | None, layers: tuple[LayerStats, ...] = (),
              requests: int = 4) -> RunResult:
    run = result([OK] * requests, [1.0] * requests, [0.1] * requests, layers)
    run.graph = graph
    return run          # measured window: 0 s to 10 s


GRAPH = GraphTimes(
    latency_s={"api": ValueSummary.of(np.array([0.1, 0.2, 0.3, 0.4])),
               "api->db": ValueSummary.of(np.array([0.05, 0.15])),
               "db": ValueSummary.of(np.array([0.04, 0.1, 0.02]))},
    step_wait_s={"api": {"api->db": 0.2, "api->search+recs": 0.4}},
    edge_calls={"client->api": 4, "api->db": 6},
    fanouts={"root->leaf": FanoutTimes(ValueSummary.of(np.array([0.1, 0.2])),
                                       ValueSummary.of(np.array([0.5, 0.3])))})


def test_no_graph_no_values() -> None:
    run = graph_run(None)
    for name in ("backend_latency", "hop_latency", "time_split", "edge_calls",
                 "edge_amplification", "fanout_slowest_share"):
        assert compute(name, run) == {}, name


def test_latency_per_backend_and_per_hop() -> None:
    run = graph_run(GRAPH)
    backend = compute("backend_latency", run)
    assert backend["backend_latency{backend:api}.avg"] == pytest.approx(0.25)
    assert backend["backend_latency{backend:db}.max"] == pytest.approx(0.1)
    assert not any("->" in key for key in backend)
    hop = compute("hop_latency", run)
    assert hop["hop_latency{hop:api->db}.avg"] == pytest.approx(0.1)
    # a percentile comes from the histogram: within its 0.1%
    assert hop["hop_latency{hop:api->db}.med"] == pytest.approx(0.1, rel=RELATIVE_ERROR)
    assert {"hop_latency{hop:api->db}.p(99)", "hop_latency{hop:api->db}.avg"} <= set(hop)
    assert all(key.startswith("hop_latency{hop:api->db}.") for key in hop)


def test_time_split_adds_up_to_the_mean_latency() -> None:
    split = compute("time_split", graph_run(GRAPH))
    # api: 4 calls, 1.0 s in all; 0.2 s on db, 0.4 s on search+recs: own 0.4 s
    assert split == pytest.approx({"time_split{part:api:own}": 0.1,
                                   "time_split{part:api->db}": 0.05,
                                   "time_split{part:api->search+recs}": 0.1})
    assert sum(split.values()) == pytest.approx(0.25)


def test_edges_per_second_and_per_request() -> None:
    run = graph_run(GRAPH)
    assert compute("edge_calls", run) == pytest.approx(
        {"edge_calls{edge:client->api}": 0.4, "edge_calls{edge:api->db}": 0.6})
    assert compute("edge_amplification", run) == pytest.approx(
        {"edge_amplification{edge:client->api}": 1.0, "edge_amplification{edge:api->db}": 1.5})


def test_fanout_slowest_share_is_a_ratio_of_sums() -> None:
    # waits after the first leaf: 0.4 and 0.1 of fan-outs lasting 0.5 and 0.3
    assert compute("fanout_slowest_share", graph_run(GRAPH)) == pytest.approx(
        {"fanout_slowest_share": 0.5 / 0.8, "fanout_slowest_share{hop:root->leaf}": 0.5 / 0.8})


def test_retries_per_tier_only_in_a_graph() -> None:
    client = LayerStats("api", 0, "retry", {"retries": 3, "denied": 1})
    hop = LayerStats("api->db", 0, "retry", {"retries": 5, "denied": 0})
    assert compute("retries", graph_run(GRAPH, (client,))) == {"retries": 3}
    assert compute("retries", graph_run(GRAPH, (client, hop))) == {
        "retries": 8, "retries{hop:api->db}": 5, "retries{hop:client}": 3}


def test_hedge_rate_and_tied_copies_per_tier() -> None:
    layers = (LayerStats("root", 0, "hedge", {"calls": 10, "hedges": 1}),
              LayerStats("root->leaf", 0, "hedge", {"calls": 100, "hedges": 7}),
              LayerStats("root->leaf", 1, "tied", {"calls": 50, "copies": 20}))
    run = graph_run(GRAPH, layers)
    assert compute("hedge_rate", run) == pytest.approx(
        {"hedge_rate": 8 / 110, "hedge_rate{hop:client}": 0.1,
         "hedge_rate{hop:root->leaf}": 0.07})
    assert compute("tied_copies", run) == pytest.approx(
        {"tied_copies": 0.4, "tied_copies{hop:root->leaf}": 0.4})


def test_cache_tiers() -> None:
    browser = LayerStats("api", 0, "cache", {"fresh_hits": 30, "misses": 70})
    edge = LayerStats("api", 2, "cache", {"fresh_hits": 35, "stale_hits": 7, "misses": 28,
                                          "coalesced": 3, "revalidations": 2})
    service = LayerStats("api->db", 0, "cache", {"fresh_hits": 9, "misses": 18})
    run = graph_run(GRAPH, (browser, edge, service))
    assert compute("tier_hit_rate", run) == pytest.approx({
        "tier_hit_rate{tier:api/0}": 0.3, "tier_hit_rate{tier:api/2}": 0.6,
        "tier_hit_rate{tier:api->db/0}": 1 / 3})
    assert compute("tier_lookups", run) == pytest.approx({
        "tier_lookups{tier:api/0}": 10.0, "tier_lookups{tier:api/2}": 7.0,
        "tier_lookups{tier:api->db/0}": 2.7})


def test_one_cache_without_a_graph_has_no_tiers() -> None:
    only = LayerStats("api", 0, "cache", {"fresh_hits": 1, "misses": 1})
    assert compute("tier_hit_rate", graph_run(None, (only,))) == {}
    assert compute("tier_hit_rate", graph_run(GRAPH, (only,))) == {
        "tier_hit_rate{tier:api/0}": 0.5}
    empty = LayerStats("api", 0, "cache", {"evictions": 1})
    assert math.isnan(compute("tier_hit_rate", graph_run(GRAPH, (empty,)))[
        "tier_hit_rate{tier:api/0}"])
