"""The memory estimate follows what a run holds: a plain request is folded into streaming
summaries once answered, so a long stable run is cheap; a backlog that grows for the
whole run, and the rows of workloads that log their units, are what cost memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from asyncsim.scenarios.checks.cost import (
    MAX_MEMORY_BYTES,
    MAX_REQUESTS,
    REQUEST_BYTES,
    TRACE_RECORD_BYTES,
    USER_BYTES,
    Cost,
    cost_problem,
    estimate_cost,
)
from tests.helpers import MINIMAL, scenario_from_yaml
from tests.scenarios.test_bad_input import PAGES
from tests.validation.trace_files import zipf_poisson_trace


def _cost(text: str) -> Cost:
    return estimate_cost(scenario_from_yaml(text))


def test_an_hour_at_ten_thousand_per_second_is_not_refused() -> None:
    """Issue 15's long run (36M requests): it peaks near 150 MB, and the estimate used to
    charge 200 bytes a request (6.7 GB) and refuse it."""
    text = (MINIMAL.replace("duration: 100s", "duration: 1h")
            .replace("workers: 1", "workers: 20").replace("exponential: 10ms", "exponential: 1ms")
            .replace("poisson: 10/s", "poisson: 10000/s"))
    cost = _cost(text)
    assert cost.requests_per_replication == pytest.approx(3.6e7)
    # one user, and 10,000/s x 1 ms = 10 calls in flight (Little's law)
    assert cost.memory_bytes == pytest.approx(USER_BYTES + 10 * REQUEST_BYTES)
    assert cost_problem(cost, MAX_REQUESTS, MAX_MEMORY_BYTES) is None


def test_an_overloaded_target_holds_its_backlog_up_to_its_queue() -> None:
    # 1 worker, 100 ms: 10 calls/s served of 50/s offered for 1000 s: 40,000 calls wait
    text = (MINIMAL.replace("exponential: 10ms", "constant: 100ms")
            .replace("poisson: 10/s", "poisson: 50/s").replace("duration: 100s",
                                                                "duration: 1000s"))
    in_flight = 50 * 0.1
    assert _cost(text).memory_bytes == pytest.approx(
        USER_BYTES + (40_000 + in_flight) * REQUEST_BYTES)
    capped = text.replace("workers: 1\n", "workers: 1\n    queue_limit: 99\n")
    assert _cost(capped).memory_bytes == pytest.approx(
        USER_BYTES + (1 + 99 + in_flight) * REQUEST_BYTES)


def test_a_workload_that_logs_its_units_pays_for_each() -> None:
    cost = _cost(PAGES)   # a page view every 10 s for 60 s: 6 views, each logged
    assert cost.requests_per_replication == pytest.approx(6)
    assert cost.memory_bytes >= 6 * REQUEST_BYTES


def test_a_trace_costs_its_records_once_however_often_it_loops(tmp_path: Path) -> None:
    """The run holds the trace's columns and the replay's lists of them, once: a loop
    replays the same records (sim/workload/load/models.py: TraceLoad)."""
    path = tmp_path / "access.csv"
    times = zipf_poisson_trace(path, rate_per_s=50, span_s=20, keys=10, alpha=1.0)
    trace = (MINIMAL.replace("arrivals: {poisson: 10/s}",
                             f"arrivals: {{trace: {{file: {path}, time: ts, key: path}}}}")
             .replace("duration: 100s", "duration: 20s"))
    looped = trace.replace("key: path}", "key: path, loop: true}").replace(
        "duration: 20s", "duration: 2000s")
    for text in (trace, looped):  # plus about half a call in flight (50/s x 10 ms)
        assert _cost(text).memory_bytes == pytest.approx(
            USER_BYTES + len(times) * TRACE_RECORD_BYTES, rel=0.01)
    assert _cost(looped).requests_per_replication > 90 * len(times)
