"""Units: what people write parses; ambiguity is refused; formatting round-trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asyncsim.lang.units import (
    format_duration,
    parse_duration_s,
    parse_rate_per_s,
)


@pytest.mark.parametrize(("text", "seconds"), [
    ("250ms", 0.25), ("1.5s", 1.5), ("5m", 300), ("5min", 300), ("1h", 3600), ("2d", 172800),
    ("750us", 0.00075), (".5s", 0.5), ("2 ms", 0.002), ("inf", float("inf")), (0, 0.0)])
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration_s(text) == pytest.approx(seconds)


@pytest.mark.parametrize(("text", "per_second"), [
    ("50/s", 50), ("3000/min", 50), ("1/10s", 0.1), ("2/h", 2 / 3600), ("1/min", 1 / 60)])
def test_rates(text: str, per_second: float) -> None:
    assert parse_rate_per_s(text) == pytest.approx(per_second)


@pytest.mark.parametrize("bad", [5, 2.5, "5", "5 parsecs", "-1s", True, "ms", "1.2.3s"])
def test_ambiguous_or_wrong_durations_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match=r"unit|not a duration|negative"):
        parse_duration_s(bad)


@pytest.mark.parametrize("bad", [50, "50", "50/fortnight", "-5/s", "/s"])
def test_bad_rates_are_refused(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_rate_per_s(bad)


@given(st.floats(min_value=1e-6, max_value=1e7, allow_nan=False))
def test_format_then_parse_round_trips(seconds: float) -> None:
    assert parse_duration_s(format_duration(seconds)) == pytest.approx(seconds, rel=1e-5)
