"""Eviction policies against slow, obviously-correct reference models, on random traces."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncsim.sim.layers.cache.store import FIFOStore, LFUStore, LRUStore, RandomStore, make_store

traces = st.lists(st.integers(0, 9), min_size=1, max_size=300)
capacities = st.integers(1, 6)


def replay(store, trace: list[int]) -> list[bool]:  # type: ignore[no-untyped-def]
    """Cache semantics on a trace: a present key is a hit (touched), else it is put."""
    hits = []
    for key in trace:
        if key in store.entries:
            hits.append(True)
            if store.touch is not None:
                store.touch(key)
        else:
            hits.append(False)
            store.put(key, key)
    return hits


def reference(trace: list[int], capacity: int, policy: str) -> list[bool]:
    """Lists and linear scans: LRU by last use, FIFO by insertion, LFU by (uses, last use)."""
    held: dict[int, tuple[int, int, int]] = {}  # key -> (inserted, last used, uses)
    hits = []
    for now, key in enumerate(trace):
        if key in held:
            inserted, _, uses = held[key]
            held[key] = (inserted, now, uses + 1)
            hits.append(True)
            continue
        hits.append(False)
        if len(held) >= capacity:
            rank = {"lru": lambda k: held[k][1], "fifo": lambda k: held[k][0],
                    "lfu": lambda k: (held[k][2], held[k][1])}[policy]
            del held[min(held, key=rank)]
        held[key] = (now, now, 1)
    return hits


@given(traces, capacities)
def test_lru_matches_reference(trace: list[int], capacity: int) -> None:
    assert replay(LRUStore(capacity), trace) == reference(trace, capacity, "lru")


@given(traces, capacities)
def test_fifo_matches_reference(trace: list[int], capacity: int) -> None:
    assert replay(FIFOStore(capacity), trace) == reference(trace, capacity, "fifo")


@given(traces, capacities)
def test_lfu_matches_reference(trace: list[int], capacity: int) -> None:
    assert replay(LFUStore(capacity), trace) == reference(trace, capacity, "lfu")


def uniforms(seed: int) -> Iterator[float]:
    rng = np.random.default_rng(seed)
    while True:
        yield float(rng.random())


@given(traces, capacities, st.integers(0, 2**32 - 1))
def test_random_never_exceeds_capacity_and_evicts_a_held_key(
        trace: list[int], capacity: int, seed: int) -> None:
    draws = uniforms(seed)
    store = RandomStore(capacity, lambda: next(draws))
    for key in trace:
        before = set(store.entries)
        if key in before:
            continue
        evicted = store.put(key, key)
        after = set(store.entries)
        assert len(after) <= capacity
        assert evicted == (len(before) == capacity)
        assert after - before == {key} and len(before - after) == evicted
        assert sorted(store._keys) == sorted(after)


def test_random_eviction_is_uniform() -> None:
    """Evicting from {0..4} many times: each key goes about a fifth of the time."""
    rng = np.random.default_rng(7)
    counts = np.zeros(5)
    for _ in range(5000):
        store = RandomStore(5, lambda: float(rng.random()))
        for key in range(5):
            store.put(key, key)
        store.put(99, 99)
        (gone,) = set(range(5)) - set(store.entries)
        counts[gone] += 1
    expected = 1000.0
    assert np.all(np.abs(counts - expected) < 4 * np.sqrt(expected * 0.8))


@settings(max_examples=50)
@given(traces, st.sampled_from(["lru", "fifo", "random", "lfu"]), capacities)
def test_remove_then_put_keeps_every_store_consistent(
        trace: list[int], eviction: str, capacity: int) -> None:
    draws = uniforms(1)
    store = make_store(capacity, eviction, lambda: next(draws))  # type: ignore[arg-type]
    for i, key in enumerate(trace):
        if key in store.entries and i % 3 == 0:
            store.remove(key)
        else:
            replay(store, [key])
        assert len(store.entries) <= capacity


def test_unbounded_store_never_evicts() -> None:
    store = make_store(None, "lru", lambda: 0.0)
    assert replay(store, list(range(1000)) + list(range(1000))) == [False] * 1000 + [True] * 1000
