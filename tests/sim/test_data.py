"""Per-key Poisson data versions: deterministic, independent of query order, Poisson."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncsim.sim.data import PoissonChanges
from asyncsim.sim.engine import RandomStreams


def model(seed: int = 5, replication: int = 0, rate: float = 0.5, backend: str = "api"):  # type: ignore[no-untyped-def]
    return PoissonChanges(rate).build(RandomStreams(seed, replication), backend)


@settings(max_examples=30)
@given(st.lists(st.tuples(st.integers(0, 20), st.floats(0, 200)), min_size=1, max_size=60),
       st.randoms())
def test_versions_do_not_depend_on_the_order_keys_are_asked(queries, shuffler) -> None:  # type: ignore[no-untyped-def]
    first = model()
    expected = {q: first.version(*q) for q in queries}
    second = model()
    shuffled = list(queries)
    shuffler.shuffle(shuffled)
    assert {q: second.version(*q) for q in shuffled} == expected


def test_versions_and_supersession_agree() -> None:
    m = model()
    for key in range(50):
        times = m.change_times(key, 100.0)
        assert times == sorted(times) and all(0 < t <= 100.0 for t in times)
        for version, change in enumerate(times, start=1):
            assert m.version(key, change) == version
            assert m.version(key, math.nextafter(change, 0.0)) == version - 1
            assert m.superseded_at(key, version - 1) == change
        assert m.version(key, 0.0) == 0
        assert m.superseded_at(key, len(times)) > 100.0


def test_same_seed_and_replication_give_the_same_changes_others_differ() -> None:
    base = model().change_times(3, 1000.0)
    assert model().change_times(3, 1000.0) == base
    assert model(seed=6).change_times(3, 1000.0) != base
    assert model(replication=1).change_times(3, 1000.0) != base
    assert model(backend="other").change_times(3, 1000.0) != base
    assert model().change_times(4, 1000.0) != base


def test_change_counts_are_poisson_with_the_rate() -> None:
    """Counts in [0, 100] over 4000 keys at rate 0.05/s: Poisson(5): mean 5, variance 5,
    and keys are independent (no correlation between neighbours)."""
    m = model(rate=0.05)
    counts = np.array([len(m.change_times(k, 100.0)) for k in range(4000)], dtype=float)
    se_mean = math.sqrt(5.0 / len(counts))
    assert abs(counts.mean() - 5.0) < 4 * se_mean
    assert abs(counts.var(ddof=1) - 5.0) < 4 * math.sqrt(2 * 25 / len(counts) + 5 / len(counts))
    assert abs(np.corrcoef(counts[:-1], counts[1:])[0, 1]) < 4 / math.sqrt(len(counts))


def test_gaps_are_exponential() -> None:
    m = model(rate=2.0)
    gaps = np.diff([0.0, *m.change_times(11, 20_000.0)])
    # P(gap > t) = e^{-2t}: check at the median and at the 90th percentile
    for t, p in ((math.log(2) / 2, 0.5), (math.log(10) / 2, 0.1)):
        share = float((gaps > t).mean())
        assert abs(share - p) < 4 * math.sqrt(p * (1 - p) / len(gaps))
