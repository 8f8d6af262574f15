"""Key popularity: probabilities and the sampler agree."""

from __future__ import annotations

import numpy as np
import pytest

from asyncsim.sim.workload.keys import KeySampler, KeySpec


@pytest.mark.parametrize("spec", [KeySpec(50), KeySpec(50, "zipf", zipf_alpha=0.9),
                                  KeySpec(50, "hotset", hot_fraction=0.1, hot_share=0.7)],
                         ids=["uniform", "zipf", "hotset"])
def test_sampler_frequencies_match_probabilities(spec: KeySpec) -> None:
    p = spec.probabilities()
    assert p.sum() == pytest.approx(1.0)
    sampler = KeySampler(spec, np.random.default_rng(4))
    counts = np.bincount([sampler() for _ in range(200_000)], minlength=spec.count)
    se = np.sqrt(p * (1 - p) / 200_000)
    assert np.all(np.abs(counts / 200_000 - p) <= 4.5 * se + 1e-12)


def test_zipf_ranks_and_hot_set_share() -> None:
    p = KeySpec(10, "zipf", zipf_alpha=1.0).probabilities()
    assert p[0] / p[1] == pytest.approx(2.0) and p[0] / p[9] == pytest.approx(10.0)
    hot = KeySpec(100, "hotset", hot_fraction=0.2, hot_share=0.8).probabilities()
    assert hot[:20].sum() == pytest.approx(0.8)
