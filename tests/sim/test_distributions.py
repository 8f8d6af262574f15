"""Distributions: sample means agree with the stated means; parameterisations hold."""

from __future__ import annotations

import math

import numpy as np
import pytest

from asyncsim.sim import distributions as d


@pytest.mark.parametrize("dist", [
    d.Constant(0.3), d.Exponential(0.2), d.Uniform(0.1, 0.5), d.TruncatedNormal(0.1, 0.1),
    d.Lognormal.from_median_p99(0.08, 0.9), d.Lognormal.from_mean_sigma(0.2, 0.5),
    d.Gamma(2.0, 0.05), d.Pareto(3.0, 0.01), d.Empirical((0.1, 0.2, 0.6)),
    d.mixture([0.9, 0.1], [d.Exponential(0.01), d.Constant(1.0)]),
], ids=lambda x: type(x).__name__)
def test_sample_mean_matches_mean(dist: d.Distribution) -> None:
    values = dist.draw(np.random.default_rng(5), 400_000)
    assert (values >= 0).all()
    se = values.std() / math.sqrt(len(values))
    assert abs(values.mean() - dist.mean) <= max(4 * se, 1e-12)


def test_lognormal_by_median_and_p99_hits_both_quantiles() -> None:
    values = d.Lognormal.from_median_p99(0.08, 0.9).draw(np.random.default_rng(1), 1_000_000)
    assert np.quantile(values, 0.5) == pytest.approx(0.08, rel=0.01)
    assert np.quantile(values, 0.99) == pytest.approx(0.9, rel=0.02)


def test_truncated_normal_redraws_negatives_instead_of_clipping() -> None:
    values = d.TruncatedNormal(0.0, 1.0).draw(np.random.default_rng(2), 100_000)
    assert (values > 0).all()
    assert np.mean(values < 1e-3) < 0.01  # no atom at zero
    assert d.TruncatedNormal(0.0, 1.0).mean == pytest.approx(math.sqrt(2 / math.pi))
