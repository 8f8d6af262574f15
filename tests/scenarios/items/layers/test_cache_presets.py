"""Presets: the field values of each (checked against docs/library-defaults.md by hand, cited in
scenarios/presets/cache.py) and each library's documented behaviour, shown on a scenario.

The behaviour scenarios use one key, evenly spaced requests and a constant 100 ms fetch,
so every count below follows from the library's rule by arithmetic.
"""

from __future__ import annotations

import math

import pytest

from asyncsim.scenarios.items.layers.cache import CacheConfig
from asyncsim.scenarios.presets.cache import CACHE_PRESETS as PRESETS
from asyncsim.sim.layers.cache.layer import CacheSpec
from asyncsim.sim.outcome import Source
from tests.helpers import run_yaml, value
from tests.sim.layers.cache.harness import Harness

INF = math.inf


@pytest.mark.parametrize(("preset", "expected"), [
    ("solid-createResource", CacheSpec(ttl_s=0.0, fresh_for_s=0.0, stale_for_s=0.0,
                                       scope="client")),
    ("solid-router-query", CacheSpec(ttl_s=180.0, fresh_for_s=5.0, stale_for_s=5.0,
                                     coalesce=True, scope="client")),
    ("tanstack-query-v5", CacheSpec(ttl_s=300.0, sliding=True, fresh_for_s=0.0,
                                    stale_for_s=INF, coalesce=True, scope="client")),
    ("swr-2", CacheSpec(ttl_s=INF, fresh_for_s=2.0, stale_for_s=INF, coalesce=True,
                        scope="client")),
    ("apollo-cache-first", CacheSpec(ttl_s=INF, fresh_for_s=INF, stale_for_s=INF,
                                     coalesce=True, scope="client")),
    ("apollo-cache-and-network", CacheSpec(ttl_s=INF, fresh_for_s=0.0, stale_for_s=INF,
                                           coalesce=True, scope="client")),
])
def test_preset_resolves_to_the_documented_parameters(preset: str, expected: CacheSpec) -> None:
    assert CacheConfig(preset=preset).to_spec() == expected  # type: ignore[arg-type]


def test_every_preset_is_tested() -> None:
    assert set(PRESETS) == {"solid-createResource", "solid-router-query", "tanstack-query-v5",
                            "swr-2", "apollo-cache-first", "apollo-cache-and-network"}


def test_written_fields_override_the_preset_one_by_one() -> None:
    config = CacheConfig.model_validate({"preset": "tanstack-query-v5", "fresh_for": "10s",
                                         "scope": "shared"})
    assert config.to_spec() == CacheSpec(ttl_s=300.0, sliding=True, fresh_for_s=10.0,
                                         stale_for_s=INF, coalesce=True, scope="shared")


SCENARIO = """
version: 1
name: presets
duration: 610s
warmup: 10s
backends:
  api:
    workers: 4
    latency: 100ms
workload:
  target: api
  arrivals: {{constant: {rate}}}
strategies:
  lib:
    - cache: {{preset: {preset}}}
"""


def run_preset(preset: str, rate: str = "1/s") -> dict[str, float]:
    output = run_yaml(SCENARIO.format(preset=preset, rate=rate))
    keys = ("requests", "backend_calls", "fresh_hit_rate", "stale_hit_rate", "coalesced_rate",
            "miss_rate", "revalidations")
    return {k: value(output, "lib", k) for k in keys}


def test_solid_create_resource_fetches_on_every_request_even_concurrent_ones() -> None:
    got = run_preset("solid-createResource", rate="20/s")  # 2 requests per fetch time
    assert got["requests"] == pytest.approx(12_000, abs=1)  # float sums of 0.05 s gaps
    assert got["backend_calls"] == got["requests"]
    assert got["miss_rate"] == 1.0 and got["coalesced_rate"] == 0.0


def test_solid_router_query_reuses_for_5s_then_fetches_and_blocks() -> None:
    # fetched at t, ready at t+0.1, reused until t+5.1: requests t+1..t+5 hit, t+6 misses
    got = run_preset("solid-router-query")
    assert got["requests"] == 600
    assert got["backend_calls"] == 100
    assert got["fresh_hit_rate"] == pytest.approx(5 / 6)
    assert got["miss_rate"] == pytest.approx(1 / 6) and got["stale_hit_rate"] == 0.0


def test_tanstack_query_with_stale_time_0_refetches_on_every_mount() -> None:
    got = run_preset("tanstack-query-v5")
    assert got["stale_hit_rate"] == 1.0  # cached data shown at once...
    assert got["backend_calls"] == got["revalidations"] == 600  # ...and refetched every time


def test_tanstack_query_refetches_joining_the_one_in_flight() -> None:
    got = run_preset("tanstack-query-v5", rate="15/s")  # a mount 67 ms into each refetch
    assert got["stale_hit_rate"] == 1.0
    assert got["backend_calls"] == pytest.approx(got["requests"] / 2, abs=1)


def test_tanstack_query_garbage_collects_5_minutes_after_the_last_use() -> None:
    h = Harness(CacheConfig(preset="tanstack-query-v5").to_spec(), latency_s=0.1)
    for t in (0.0, 200.0, 499.0, 800.2):
        h.at(t)
    answers = h.run(until=900.0)
    # last use at 499 keeps the entry until 799: 800.2 is a blocking fetch again
    assert [a.source for a in answers] == [Source.NETWORK, Source.STALE_HIT, Source.STALE_HIT,
                                           Source.NETWORK]


def test_swr_2_revalidates_on_every_request_outside_the_dedup_window() -> None:
    # window: until 2 s after the response. One request per 3 s: always outside.
    got = run_preset("swr-2", rate="1/3s")
    assert got["stale_hit_rate"] == 1.0
    assert got["backend_calls"] == got["requests"] == 200


def test_swr_2_does_not_revalidate_inside_the_dedup_window() -> None:
    # fetched at t, resolved t+0.1, window to t+2.1: t+1, t+2 reuse it, t+3 revalidates
    got = run_preset("swr-2")
    assert got["fresh_hit_rate"] == pytest.approx(2 / 3)
    assert got["stale_hit_rate"] == pytest.approx(1 / 3)
    assert got["backend_calls"] == 200


def test_apollo_cache_first_never_calls_again_once_cached() -> None:
    got = run_preset("apollo-cache-first")
    assert got["fresh_hit_rate"] == 1.0 and got["backend_calls"] == 0


def test_apollo_cache_and_network_answers_from_cache_and_fetches_every_time() -> None:
    got = run_preset("apollo-cache-and-network")
    assert got["stale_hit_rate"] == 1.0
    assert got["backend_calls"] == got["requests"] == 600
