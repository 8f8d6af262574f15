"""The retry family's metrics, computed from a hand-made run whose answers are known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from asyncsim.reports.metrics.catalog import REGISTRY  # first: it fixes the registry's order
from asyncsim.reports.metrics.registry import RunView
from asyncsim.reports.metrics.retry import goodput_series
from asyncsim.sim.outcome import Status
from asyncsim.sim.simulation import BackendResult, LayerStats, RunResult
from asyncsim.sim.workload.logs.container import ClientLogs
from asyncsim.sim.workload.logs.contention import ContentionTally
from tests.helpers import run_yaml, value

OK, ERROR = int(Status.OK), int(Status.ERROR)


def result(status: list[int], t_start: list[float], latency: list[float],
           layers: tuple[LayerStats, ...], calls: int = 100,
           tally: ContentionTally | None = None) -> RunResult:
    n = len(status)
    requests = {
        "t_start_s": np.asarray(t_start, dtype=float),
        "latency_s": np.asarray(latency, dtype=float),
        "status": np.asarray(status, dtype=np.int8),
        "source": np.ones(n, dtype=np.int8),
        "attempts": np.ones(n, dtype=np.int32),
        "client": np.zeros(n, dtype=np.int32),
        "key": np.zeros(n, dtype=np.int32),
        "version": np.zeros(n, dtype=np.int64),
        "stale_s": np.zeros(n),
    }
    backend = BackendResult(workers=1, calls=calls, errors=0, rejected=0, dropped=0,
                            served=calls, queued=0, wait_s=0.0, utilisation=0.5,
                            mean_queue_length=0.0, mean_in_service=0.5)
    logs = ClientLogs()
    if tally is not None:
        logs.add(tally)
    return RunResult("s", 0, requests, {"api": backend}, layers, 1.0, {}, {}, 0.0, 10.0,
                     10.0, 0, 0.0, 0.0, logs)


def compute(name: str, run: RunResult) -> dict[str, float]:
    return REGISTRY[name].compute(RunView(run))


RETRY = (LayerStats("api", 0, "retry",
                    {"calls": 10, "retries": 30, "retry_calls": 40, "denied": 5}),)


def test_retry_counts_and_share_of_backend_calls() -> None:
    run = result([OK] * 10, [0.0] * 10, [0.1] * 10, RETRY, calls=160)
    assert compute("retries", run) == {"retries": 30}
    assert compute("retries_denied", run) == {"retries_denied": 5}
    assert compute("retry_share", run) == {"retry_share": 0.25}


def test_retry_metrics_are_absent_without_a_retry_layer() -> None:
    run = result([OK], [0.0], [0.1], ())
    for name in ("retries", "retries_denied", "retry_share", "hedge_rate",
                 "contention_calls", "contention_time"):
        assert compute(name, run) == {}, name


def test_goodput_and_goodput_at_the_end() -> None:
    # 10 s window: 6 successes overall, 1 of them started in the last second
    status = [OK, OK, ERROR, OK, OK, OK, ERROR, OK]
    starts = [0.5, 1.0, 2.0, 3.0, 4.0, 8.0, 9.2, 9.5]
    run = result(status, starts, [0.1] * 8, ())
    assert compute("goodput", run) == {"goodput": 0.6}
    assert compute("goodput_end", run) == {"goodput_end": pytest.approx(1.0)}


def test_goodput_series_bins_successes_by_answer_time() -> None:
    # successes answered at 0.6 s and 1.5 s; an error at 1.1 s; a success after the end
    run = result([OK, OK, ERROR, OK], [0.0, 1.3, 1.0, 9.8], [0.6, 0.2, 0.1, 0.5], ())
    assert goodput_series(RunView(run)) == [1.0, 1.0] + [0.0] * 8


def test_hedge_rate_is_copies_per_request() -> None:
    run = result([OK], [0.0], [0.1], (LayerStats("api", 1, "hedge", {"calls": 200, "hedges": 30}),))
    assert compute("hedge_rate", run) == {"hedge_rate": 0.15}


def test_contention_calls_and_time() -> None:
    tally = ContentionTally(writes=42.0, conflicts=40.0, completion_s=1.25)
    done = result([OK, OK], [0.0, 0.0], [1.0, 1.25], (), tally=tally)
    assert compute("contention_calls", done) == {"contention_calls": 42}
    assert compute("contention_time", done) == {"contention_time": 1.25}
    unfinished = result([OK, ERROR], [0.0, 0.0], [1.0, 1.25], (), tally=tally)
    assert math.isnan(compute("contention_time", unfinished)["contention_time"])


def test_metrics_of_a_real_run_fit_together() -> None:
    output = run_yaml("""
        version: 1
        name: t
        seed: 3
        duration: 60s
        backends:
          api: {workers: 1000, latency: 10ms, errors: {rate: 0.5}}
        workload: {target: api, arrivals: {poisson: 100/s}}
        strategies:
          r:
            - retry: {max_attempts: 2, backoff: none}
        """)
    share = value(output, "r", "retry_share")
    amplification = value(output, "r", "amplification")
    assert share == pytest.approx(1 - 1 / amplification, abs=0.01)  # retries = calls - requests
    assert value(output, "r", "goodput") == pytest.approx(
        value(output, "r", "success_rate") * value(output, "r", "throughput"))


def test_goodput_end_counts_requests_started_after_the_run_end() -> None:
    """Requests a page view starts while the run drains (after ``duration``) started in
    the last 10%: the window runs to the end of the last time bin, which is open."""
    run = result([OK] * 4, [5.0, 9.5, 10.0, 12.0], [0.1] * 4, ())
    assert compute("goodput_end", run) == {"goodput_end": 3 / 1.0}
