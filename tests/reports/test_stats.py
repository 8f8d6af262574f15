"""Student t p-values and Holm's adjustment against published tables and closed forms."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asyncsim.reports.stats import holm_adjust, regularized_beta, t_two_sided_p


@pytest.mark.parametrize(("t", "df"), [(12.7062, 1), (4.3027, 2), (2.7764, 4), (2.2281, 10),
                                       (2.0423, 30)])
def test_table_quantiles_give_p_of_five_percent(t: float, df: int) -> None:
    # Two-sided 97.5% quantiles of Student's t from any statistics table.
    assert t_two_sided_p(t, df) == pytest.approx(0.05, abs=2e-5)


@given(st.floats(min_value=-50, max_value=50, allow_nan=False))
def test_one_degree_of_freedom_is_cauchy(t: float) -> None:
    assert t_two_sided_p(t, 1) == pytest.approx(1 - 2 / math.pi * math.atan(abs(t)), abs=1e-9)


@given(st.floats(min_value=-50, max_value=50, allow_nan=False))
def test_two_degrees_of_freedom_closed_form(t: float) -> None:
    assert t_two_sided_p(t, 2) == pytest.approx(1 - abs(t) / math.sqrt(t * t + 2), abs=1e-9)


def test_edges() -> None:
    assert t_two_sided_p(0.0, 5) == pytest.approx(1.0)
    assert t_two_sided_p(math.inf, 5) == 0.0
    assert math.isnan(t_two_sided_p(math.nan, 5))
    assert regularized_beta(2, 3, 0.0) == 0.0 and regularized_beta(2, 3, 1.0) == 1.0
    # I_x(1, 1) = x (uniform distribution)
    assert regularized_beta(1, 1, 0.3) == pytest.approx(0.3)


def test_holm_by_hand() -> None:
    # sorted p: 0.01 (x3 = 0.03), 0.02 (x2 = 0.04), 0.04 (x1 = 0.04, kept monotone)
    adjusted = holm_adjust([0.04, 0.01, math.nan, 0.02])
    assert adjusted[0] == pytest.approx(0.04)
    assert adjusted[1] == pytest.approx(0.03)
    assert math.isnan(adjusted[2])
    assert adjusted[3] == pytest.approx(0.04)
    assert holm_adjust([0.5, 0.9]) == [1.0, 1.0]


@pytest.mark.parametrize("t", [8e-9, 1e-12, 1e-6])
def test_tiny_t_keeps_its_digits(t: float) -> None:
    """x = df/(df+t²) is within 1e-16 of 1 here: 1 - x must not be computed by subtraction."""
    assert t_two_sided_p(t, 1) == pytest.approx(1 - 2 / math.pi * math.atan(t), abs=1e-12)
    assert t_two_sided_p(t, 2) == pytest.approx(1 - t / math.sqrt(t * t + 2), abs=1e-12)
