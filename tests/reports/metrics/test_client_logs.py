"""Client-behaviour metrics from hand-written logs: windows, shares and sums by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.reports.metrics.registry import RunView
from asyncsim.sim.simulation import RunResult
from asyncsim.sim.workload.logs.columns import (
    ClickLog,
    PageReadLog,
    PrefetchLog,
    SessionLog,
    ViewLog,
)
from asyncsim.sim.workload.logs.container import ClientLogs


def run_with(*kept: object) -> RunView:
    logs = ClientLogs()
    for log in kept:
        logs.add(log)
    empty = {name: np.array([], dtype=code) for name, code in
             (("t_start_s", "d"), ("latency_s", "d"), ("status", "b"), ("source", "b"),
              ("attempts", "i"), ("client", "i"), ("key", "i"), ("version", "q"),
              ("stale_s", "d"))}
    result = RunResult(strategy="s", replication=0, requests=empty, backends={}, layers=(),
                       series_bin_s=1.0, series_counts={}, series_averages={}, warmup_s=10.0,
                       duration_s=100.0, sim_time_s=100.0, events=0, wall_s=0.0, cpu_s=0.0,
                       logs=logs)
    return RunView(result)


def compute(view: RunView, name: str) -> dict[str, float]:
    return REGISTRY[name].compute(view)


def test_page_metrics_drop_views_started_during_warm_up() -> None:
    log = ViewLog(("header", "main"))
    # t_start, client, page, ttfc, ttac, requests, attempts, failed; reveals header, main
    for row, reveals in [((5.0, 0, 1, 9.0, 9.0, 9, 9, 9), (9.0, 9.0)),
                         ((20.0, 0, 1, 1.0, 2.0, 4, 5, 0), (2.0, 1.0)),
                         ((30.0, 1, 2, 0.5, 4.0, 4, 3, 1), (4.0, 0.5))]:
        log.add(*row)
        for column, value in zip(log.reveal_s, reveals, strict=True):
            column.append(value)
    view = run_with(log)
    assert compute(view, "views") == {"views": 2.0}
    assert compute(view, "ttfc")["ttfc.avg"] == 0.75
    assert compute(view, "ttac")["ttac.max"] == 4.0
    assert compute(view, "boundary_reveal")["boundary_reveal{boundary:header}.avg"] == 3.0
    assert compute(view, "boundary_reveal")["boundary_reveal{boundary:main}.med"] == 0.75
    assert compute(view, "requests_per_view") == {"requests_per_view": 4.0}
    assert compute(view, "backend_calls_per_view") == {"backend_calls_per_view": 4.0}
    assert compute(view, "view_error_rate") == {"view_error_rate": 0.5}


def test_prefetch_metrics_count_waste_and_the_calls_it_cost() -> None:
    prefetches = PrefetchLog()
    # t_start, client, key, used, ok, attempts
    for row in [(1.0, 0, 1, 0, 1, 1), (20.0, 0, 1, 1, 1, 1), (30.0, 0, 2, 0, 1, 3),
                (40.0, 0, 3, 0, 0, 2), (150.0, 0, 4, 0, 1, 1)]:
        prefetches.add(*row)
    clicks = ClickLog()
    for row in [(25.0, 0, 1, 0.0, 1, 1), (50.0, 0, 5, 0.2, 1, 0)]:
        clicks.add(*row)
    view = run_with(prefetches, clicks)
    assert compute(view, "prefetches") == {"prefetches": 3.0}  # not in warm-up, not after end
    assert compute(view, "prefetch_waste")["prefetch_waste"] == pytest.approx(2 / 3)
    assert compute(view, "prefetch_extra_calls") == {"prefetch_extra_calls": 5.0}
    assert compute(view, "prefetch_hit_rate") == {"prefetch_hit_rate": 0.5}
    assert compute(view, "click_latency")["click_latency.max"] == 0.2


def test_pagination_metrics_average_per_session_and_wait_only_at_the_bottom() -> None:
    sessions = SessionLog()
    # t_start, client, pages, requests, items, duplicates, skipped
    for row in [(11.0, 0, 3, 3, 60, 4, 0), (12.0, 1, 3, 5, 60, 0, 2)]:
        sessions.add(*row)
    reads = PageReadLog()
    # t_start, depth, latency, wait, refetch, ok
    for row in [(11.0, 1, 0.1, math.nan, 0, 1), (13.0, 2, 0.3, 0.3, 0, 1),
                (15.0, 2, 0.5, 0.0, 0, 1), (16.0, 1, 0.2, math.nan, 1, 1)]:
        reads.add(*row)
    view = run_with(sessions, reads)
    assert compute(view, "sessions") == {"sessions": 2.0}
    assert compute(view, "duplicates") == {"duplicates": 2.0}
    assert compute(view, "skipped") == {"skipped": 1.0}
    assert compute(view, "requests_per_session") == {"requests_per_session": 4.0}
    assert compute(view, "bottom_wait")["bottom_wait.avg"] == 0.15
    latency = compute(view, "page_latency")
    assert latency["page_latency{page:2}.avg"] == 0.4
    assert latency["page_latency{page:1}.avg"] == pytest.approx(0.15)


def test_without_the_logs_the_metrics_say_nothing() -> None:
    view = run_with()
    for name in ("views", "ttfc", "boundary_reveal", "clicks", "prefetch_waste", "sessions",
                 "duplicates", "page_latency", "bottom_wait"):
        assert compute(view, name) == {}, name
