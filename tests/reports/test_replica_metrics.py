"""Per-replica metrics: load share, latency, utilisation, imbalance, ejections."""

from __future__ import annotations

import pytest

from tests.helpers import run_yaml, value

SCENARIO = """
version: 1
name: replica-metrics
seed: 3
duration: 100s
warmup: 10s
backends:
  api:
    replicas: 4
    workers: 1
    latency: 10ms
    balancer: round_robin
    faults:
      - {kind: outage, at: 0s, for: 100s, replica: 2}
workload:
  target: api
  arrivals: {constant: 40/s}
strategies:
  plain: []
  ejecting:
    - system: {backends.api.outlier_detection: {max_ejection_percent: 50}}
"""


@pytest.fixture(scope="module")
def output():  # type: ignore[no-untyped-def]
    return run_yaml(SCENARIO)


def test_round_robin_shares_and_utilisation(output) -> None:  # type: ignore[no-untyped-def]
    for replica in range(4):
        assert value(output, "plain", f"replica_share{{replica:api/{replica}}}") == \
            pytest.approx(0.25, abs=0.001)
    assert value(output, "plain", "load_imbalance{backend:api}") == pytest.approx(1.0, abs=0.005)
    # 10 calls/s of 10 ms each on one worker: 10% busy; the replica in an outage never serves.
    assert value(output, "plain", "replica_utilisation{replica:api/0}") == \
        pytest.approx(0.1, abs=0.002)
    assert value(output, "plain", "replica_utilisation{replica:api/2}") == 0
    assert value(output, "plain", "replica_latency{replica:api/0}") == pytest.approx(0.010)
    assert value(output, "plain", "ejections{backend:api}") == 0


def test_ejection_takes_the_failing_replica_out(output) -> None:  # type: ignore[no-untyped-def]
    # Ejected at ~0.5s in warm-up (5 failures in a row) for 30s, back at the 40s review,
    # ejected again at once for 60s (counted: it is in the window), back at the 110s review
    # after the end: out nearly all of the 90s window.
    assert value(output, "ejecting", "ejections{backend:api}") == 1
    share = value(output, "ejecting", "ejected_share{backend:api}")
    assert 0.2 < share < 0.25    # one replica of 4 out for ~90% of the window
    assert value(output, "ejecting", "replica_share{replica:api/2}") < 0.01
    assert value(output, "ejecting", "error_rate") < value(output, "plain", "error_rate") / 10


def test_a_backend_without_replicas_has_no_replica_values() -> None:
    text = SCENARIO.replace("    replicas: 4\n", "").replace(", replica: 2", "").replace(
        "    balancer: round_robin\n", "").split("strategies:")[0]
    summary = run_yaml(text).summary["strategies"]["baseline"]["values"]
    names = ("replica_share", "replica_latency", "replica_utilisation", "load_imbalance",
             "ejections", "ejected_share")
    assert not [key for key in summary if key.startswith(names)]
