"""Caching and staleness metrics on hand-made runs, and on a small real one."""

from __future__ import annotations

import numpy as np
import pytest

from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.reports.metrics.registry import RunView
from asyncsim.sim.measure.histogram import RELATIVE_ERROR
from asyncsim.sim.outcome import Source, Status
from asyncsim.sim.simulation import LayerStats, RunResult
from tests.helpers import MINIMAL, run_yaml, value


def run_with(sources: list[Source], versions: list[int], stale_s: list[float],
             layers: tuple[LayerStats, ...] = (),
             changing_data: bool = True) -> RunResult:
    n = len(sources)
    requests = {
        "t_start_s": np.arange(n, dtype=float) + 10.0, "latency_s": np.zeros(n),
        "status": np.array([Status.OK if v >= 0 else Status.ERROR for v in versions], np.int8),
        "source": np.array(sources, np.int8), "attempts": np.zeros(n, np.int32),
        "client": np.zeros(n, np.int32), "key": np.zeros(n, np.int32),
        "version": np.array(versions, np.int32), "stale_s": np.array(stale_s, np.float32)}
    return RunResult("s", 0, requests, {}, layers, 1.0, {}, {}, 5.0, 100.0, 100.0, 0,
                     0.0, 0.0, changing_data=changing_data)


def compute(result: RunResult, name: str) -> dict[str, float]:
    return REGISTRY[name].compute(RunView(result))


F, S, C, N, X = Source.FRESH_HIT, Source.STALE_HIT, Source.COALESCED, Source.NETWORK, Source.NONE


def test_source_rates_split_every_request_once() -> None:
    result = run_with([F, F, S, C, N, N, N, X], [1] * 7 + [-1], [0.0] * 7 + [float("nan")])
    assert compute(result, "hit_rate") == {"hit_rate": 3 / 8}
    assert compute(result, "fresh_hit_rate") == {"fresh_hit_rate": 2 / 8}
    assert compute(result, "stale_hit_rate") == {"stale_hit_rate": 1 / 8}
    assert compute(result, "coalesced_rate") == {"coalesced_rate": 1 / 8}
    assert compute(result, "miss_rate") == {"miss_rate": 4 / 8}  # the failed request missed too


def test_staleness_counts_current_deliveries_as_zero_and_skips_failures() -> None:
    result = run_with([F, S, S, N, X], [3, 2, 1, 4, -1], [0.0, 2.0, 6.0, 0.0, float("nan")])
    assert compute(result, "stale_rate") == {"stale_rate": 2 / 4}
    values = compute(result, "staleness")
    assert values["staleness.avg"] == pytest.approx(2.0)
    assert values["staleness.max"] == pytest.approx(6.0)
    # a percentile from the histograms: within their documented relative error
    assert values["staleness.med"] == pytest.approx(1.0, rel=RELATIVE_ERROR)


def test_staleness_is_not_reported_when_data_never_changes() -> None:
    result = run_with([N, N], [0, 0], [0.0, 0.0], changing_data=False)
    assert compute(result, "stale_rate") == {}
    assert compute(result, "staleness") == {}


def test_layer_metrics_sum_cache_layers_and_skip_other_kinds() -> None:
    layers = (LayerStats("api", 0, "cache", {"evictions": 3.0, "revalidations": 7.0},
                         {"entries": 10.0}),
              LayerStats("api", 1, "dedup", {"followers": 4.0}),
              LayerStats("db", 2, "cache", {}, {"entries": 2.5}))
    result = run_with([N], [1], [0.0], layers)
    assert compute(result, "cache_size") == {"cache_size": 12.5, "cache_size{layer:api/0}": 10.0,
                                             "cache_size{layer:db/2}": 2.5}
    assert compute(result, "evictions") == {"evictions": 3.0, "evictions{layer:api/0}": 3.0,
                                            "evictions{layer:db/2}": 0.0}
    assert compute(run_with([N], [1], [0.0]), "revalidations") == {}


def test_a_ttl_cache_run_end_to_end() -> None:
    """One key at 10/s, fetch 10 ms, ttl 1 s: each cycle is one miss and the hits in the
    1 s after the fill; the entry is held except between expiry and the next fill."""
    text = MINIMAL.replace("duration: 100s", "duration: 1000s\nwarmup: 10s") + (
        "strategies:\n  ttl:\n    - cache: {ttl: 1s}\n")
    output = run_yaml(text)
    hit = value(output, "ttl", "hit_rate")
    assert hit == value(output, "ttl", "fresh_hit_rate")
    assert value(output, "ttl", "miss_rate") == pytest.approx(1 - hit)
    assert value(output, "ttl", "backend_calls") == pytest.approx(
        value(output, "ttl", "requests") * (1 - hit), abs=2)
    # held for 1 s per cycle; a cycle lasts 1 s + the wait for the next request (0.1 s mean)
    # + the fetch (10 ms): about 1/1.11 of the time
    assert value(output, "ttl", "cache_size") == pytest.approx(1 / 1.11, rel=0.02)
    assert "stale_rate" not in output.summary["strategies"]["ttl"]["values"]
