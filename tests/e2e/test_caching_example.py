"""examples/caching.yaml tells a story in its comments; these checks keep the story true."""

from __future__ import annotations

from pathlib import Path

from asyncsim.commands.common import load
from asyncsim.commands.run import run_scenario

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "caching.yaml"


def test_the_caching_example_shows_what_its_comments_say() -> None:
    loaded = load(EXAMPLE, ["replications=1"])
    values = {name: {k: v["mean"] for k, v in s["values"].items()}
              for name, s in run_scenario(loaded, None, jobs=1).summary["strategies"].items()}
    none, ttl, lru, swr, dedup = (values[n] for n in ("none", "ttl", "lru+ttl", "swr", "dedup"))
    assert none["stale_rate"] == 0.0 and none["hit_rate"] == 0.0
    # ttl: three requests in four hit; the API does a quarter of the work; data goes stale
    assert 0.7 < ttl["hit_rate"] < 0.8 and 0.2 < ttl["amplification"] < 0.3
    assert ttl["stale_rate"] > 0.1
    # lru+ttl: evictions cut the hit rate by about a third
    assert lru["evictions"] > 0 and 0.6 < lru["hit_rate"] / ttl["hit_rate"] < 0.75
    # swr: more hits, lowest latency, about twice ttl's backend work, fresher data
    assert swr["hit_rate"] > ttl["hit_rate"] and swr["stale_hit_rate"] > 0.2
    assert swr["latency.avg"] < ttl["latency.avg"] < none["latency.avg"]
    assert 1.5 < swr["amplification"] / ttl["amplification"] < 2.5
    assert swr["stale_rate"] < ttl["stale_rate"] and swr["staleness.avg"] < ttl["staleness.avg"]
    # dedup: only coalescing, a little
    assert 0.05 < dedup["coalesced_rate"] < 0.2 and dedup["stale_rate"] < 0.01
