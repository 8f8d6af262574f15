"""Key popularity above TABLE_MAX_KEYS: exact samplers without a per-key array."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from asyncsim.sim.engine import BLOCK_SIZE
from asyncsim.sim.workload import keys as keys_module
from asyncsim.sim.workload.keys import KeySampler, KeySpec, hotset_block, zipf_block


def _zipf_probabilities(n: int, alpha: float) -> np.ndarray:
    weights = np.arange(1, n + 1, dtype=float) ** -alpha
    return weights / weights.sum()


@pytest.mark.parametrize("alpha", [0.3, 0.9, 1.0, 1.2, 2.5])
def test_rejection_inversion_draws_zipf(alpha: float) -> None:
    """Chi-square goodness of fit against P(k) ∝ k^-alpha, computed here from the
    definition; the seed is fixed, so the test is deterministic, and p > 1e-3 leaves room
    only for a sampler that is right."""
    n, size = 40, 200_000
    drawn = zipf_block(np.random.default_rng(11), n, alpha, size)
    assert drawn.min() >= 0 and drawn.max() < n and len(drawn) == size
    observed = np.bincount(drawn, minlength=n)
    expected = _zipf_probabilities(n, alpha) * size
    assert stats.chisquare(observed, expected).pvalue > 1e-3


def test_hot_set_inversion_matches_the_table() -> None:
    spec = KeySpec(count=50, popularity="hotset", hot_fraction=0.2, hot_share=0.8)
    size = 200_000
    observed = np.bincount(hotset_block(np.random.default_rng(5), spec, size), minlength=50)
    expected = np.r_[np.full(10, 0.8 / 10), np.full(40, 0.2 / 40)] * size
    assert stats.chisquare(observed, expected).pvalue > 1e-3


def test_large_key_spaces_build_no_table(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: KeySpec) -> np.ndarray:
        raise AssertionError("a per-key array was built")

    monkeypatch.setattr(KeySpec, "probabilities", refuse)
    for popularity in ("zipf", "hotset"):
        sampler = KeySampler(KeySpec(count=2 * 10**9, popularity=popularity),
                             np.random.default_rng(1))
        drawn = [sampler() for _ in range(1000)]
        assert all(0 <= k < 2 * 10**9 for k in drawn)
        assert max(drawn) > 1000  # the tail is reached, not only the head


def test_small_key_spaces_still_use_the_table() -> None:
    """Below the threshold the draws are the cumulative table's, as before this sampler
    existed (the bundled examples' summaries stay byte-identical)."""
    spec = KeySpec(count=1000, popularity="zipf", zipf_alpha=0.9)
    assert keys_module.TABLE_MAX_KEYS >= 1000
    rng = np.random.default_rng(3)
    cdf = np.cumsum(spec.probabilities())
    u = np.random.default_rng(3).random(BLOCK_SIZE) * cdf[-1]
    expected = np.minimum(np.searchsorted(cdf, u, side="right"), 999)
    sampler = KeySampler(spec, rng)
    assert [sampler() for _ in range(100)] == expected[:100].tolist()
