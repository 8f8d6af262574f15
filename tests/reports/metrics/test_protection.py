"""Breaker, rejection, fallback and fault metrics on runs whose timeline is worked out by
hand: constant arrivals every 100 ms, constant latency, one outage."""

from __future__ import annotations

import pytest

from tests.helpers import run_yaml, value

OUTAGE = """
version: 1
name: outage
seed: 1
duration: 100s
warmup: 10s
backends:
  api:
    workers: 4
    latency: 10ms
    faults:
      - {kind: outage, at: 50.05s, for: 20s}
workload:
  target: api
  arrivals: {constant: 10/s}
strategies:
  none: []
  breaker:
    - breaker: {consecutive_failures: 5, open_for: 10.05s}
  per-client:
    - breaker: {consecutive_failures: 5, open_for: 10.05s, scope: client}
"""


@pytest.fixture(scope="module")
def outage() -> dict[str, dict[str, float]]:
    output = run_yaml(OUTAGE)
    return {name: {key: entry["mean"] for key, entry in strategy["values"].items()}
            for name, strategy in output.summary["strategies"].items()}


def test_breaker_timeline_through_an_outage(outage: dict[str, dict[str, float]]) -> None:
    """Failures at 50.1..50.5 trip it (open until 60.55); the probe at 60.6 fails (open
    until 70.65); the probe at 70.7 succeeds after the outage ended at 70.05."""
    values = outage["breaker"]
    assert values["breaker_transitions"] == 5
    assert values["breaker_transitions{kind:trip}"] == 1
    assert values["breaker_transitions{kind:reopen}"] == 1
    assert values["breaker_transitions{kind:half_open}"] == 2
    assert values["breaker_transitions{kind:close}"] == 1
    assert values["breaker_open_time"] == pytest.approx((10.05 + 10.05) / 90, abs=1e-6)
    assert values["breaker_open_time{layer:api:0:breaker}"] == values["breaker_open_time"]
    assert values["short_circuited"] == 200              # 50.6..60.5 and 60.7..70.6
    assert values["breaker_recovery"] == pytest.approx(70.6 - 70.05, abs=1e-6)


def test_a_per_client_breaker_of_the_only_client_is_the_shared_breaker(
        outage: dict[str, dict[str, float]]) -> None:
    per_client = {k.replace("api:0:breaker", "x"): v for k, v in outage["per-client"].items()}
    shared = {k.replace("api:0:breaker", "x"): v for k, v in outage["breaker"].items()}
    assert per_client == shared


def test_backend_load_during_the_fault(outage: dict[str, dict[str, float]]) -> None:
    assert outage["none"]["fault_backend_load"] == pytest.approx(200 / 20)
    assert outage["breaker"]["fault_backend_load"] == pytest.approx(6 / 20)  # 5 + 1 probe
    assert outage["none"]["breaker_recovery"] == 0.0
    assert "breaker_open_time" not in outage["none"]


OVERLOAD = """
version: 1
name: overload
seed: 1
duration: 99.95s
warmup: 10.05s
backends:
  api:
    workers: 4
    latency: 950ms
workload:
  target: api
  arrivals: {constant: 10/s}
strategies:
  bulkhead:
    - bulkhead: {max_concurrent: 1}
  fallback:
    - fallback: static
    - bulkhead: {max_concurrent: 1}
"""


def test_rejections_are_counted_by_layer_and_fallbacks_are_not_successes() -> None:
    """Requests arrive at 10.1, 10.2, ..., 99.9 s (899 measured). One in 10 finds the single
    slot free (it is busy 950 ms of every second): 90 get through, 809 are rejected."""
    output = run_yaml(OVERLOAD)
    assert value(output, "bulkhead", "rejected{layer:api:0:bulkhead}") == 809
    assert value(output, "bulkhead", "rejected") == 809
    assert value(output, "bulkhead", "rejected{backend:api}") == 0
    assert value(output, "bulkhead", "errors_by_kind{kind:rejected}") == pytest.approx(809 / 899)
    assert value(output, "fallback", "rejected{layer:api:1:bulkhead}") == 809
    assert value(output, "fallback", "fallback_rate") == pytest.approx(809 / 899)
    assert value(output, "fallback", "success_rate") == pytest.approx(90 / 899)
    assert value(output, "fallback", "error_rate") == 0
