"""Replicas, balancers, outlier ejection and health checks as written: they reach the model,
and bad ones exit 104 at the field to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from asyncsim.scenarios.build import simulation_spec
from tests.helpers import scenario_from_yaml, validate_rejects

REPLICATED = """
version: 1
name: replicas
duration: 10s
backends:
  api:
    latency: 1ms
    replicas: 4
    balancer: p2c
    outlier_detection: {max_ejection_percent: 50, success_rate: {}}
    health_check: {interval: 2s}
    faults:
      - {kind: slowdown, at: 1s, for: 2s, factor: 5, replica: 3}
      - {kind: outage, at: 4s, for: 1s}
workload:
  target: api
  arrivals: {poisson: 10/s}
"""


def test_replicas_reach_the_model_with_envoy_defaults() -> None:
    spec = simulation_spec(scenario_from_yaml(REPLICATED)).backends[0]
    replication = spec.replication
    assert replication is not None and spec.replicas == 4
    assert replication.balancer == "p2c"
    outlier = replication.outlier
    assert outlier is not None
    # Envoy's documented defaults (library-defaults.md §1.8), written out here.
    assert (outlier.consecutive_5xx, outlier.interval_s, outlier.base_ejection_s,
            outlier.max_ejection_s) == (5, 10.0, 30.0, 300.0)
    assert outlier.max_ejection_percent == 50
    assert outlier.success_rate and outlier.success_rate_stdev_factor == 1.9
    assert (outlier.success_rate_minimum_hosts, outlier.success_rate_request_volume) == (5, 100)
    assert replication.health is not None and replication.health.interval_s == 2.0
    assert [(at, fault.kind) for at, fault in replication.faults] == [(3, "slowdown")]
    assert [fault.kind for fault in spec.faults] == ["outage"]


def test_a_single_instance_stays_a_plain_backend() -> None:
    text = REPLICATED.replace("    replicas: 4\n", "").replace(
        "    outlier_detection: {max_ejection_percent: 50, success_rate: {}}\n", "").replace(
        "    health_check: {interval: 2s}\n", "").replace(", replica: 3", "")
    spec = simulation_spec(scenario_from_yaml(text)).backends[0]
    assert spec.replication is None and spec.replicas == 1


BAD = {
    "replicas 0": (REPLICATED.replace("replicas: 4", "replicas: 0"), 8, 15,
                   "greater than 0"),
    "ejection over 100": (REPLICATED.replace("max_ejection_percent: 50",
                                             "max_ejection_percent: 150"), 10, 47,
                          "less than or equal to 100"),
    "fault on a missing replica": (REPLICATED.replace("replica: 3", "replica: 4"), 13, 63,
                                   "replica 4 of a backend with 4 replica(s) (allowed: 0..3)"),
    "unknown balancer": (REPLICATED.replace("balancer: p2c", "balancer: p3c"), 9, 15,
                         "p2c"),
    "weights without weighted": (REPLICATED.replace("balancer: p2c", "weights: [1, 2, 3, 4]"),
                                 9, 14, "weights are for the weighted balancer"),
    "weights per replica": (REPLICATED.replace("balancer: p2c",
                                               "balancer: weighted\n    weights: [1, 2]"),
                            10, 14, "2 weights for 4 replicas"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_replicas_exit_104_at_the_field(tmp_path: Path, case: str) -> None:
    text, line, col, message = BAD[case]
    rejection = validate_rejects(tmp_path, text)
    assert message in rejection.output
    assert (rejection.line, rejection.col) == (line, col), rejection.output


def test_a_probe_interval_that_would_never_let_time_pass_is_refused(tmp_path: Path) -> None:
    rejection = validate_rejects(tmp_path, REPLICATED.replace("interval: 2s", "interval: 1e-300s"))
    assert "greater than or equal to 0.001" in rejection.output
    assert rejection.line == 11


def test_health_probes_count_in_the_cost() -> None:
    from asyncsim.scenarios.checks.cost import estimate_cost
    cost = estimate_cost(scenario_from_yaml(REPLICATED))
    # 10 s of 10/s arrivals, plus 4 replicas probed every 2 s for 10 s.
    assert cost.requests_per_replication == pytest.approx(100 + 4 * 10 / 2)
