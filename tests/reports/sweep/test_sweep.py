"""Sweep parameters, grids and the Pareto front, on cases small enough to check by hand."""

from __future__ import annotations

import math

import pytest

from asyncsim.reports.sweep.page import reference_view, tradeoffs
from asyncsim.reports.sweep.params import (
    Param,
    SweepError,
    grid,
    parse_param,
    spread,
    swept_strategies,
)
from asyncsim.reports.sweep.table import dominates, pareto_front, sweep_table
from tests.reports.summaries import summary

NAN = math.nan


def test_pareto_front_mixed_directions_by_hand() -> None:
    # x lower is better, y higher is better.
    points = [(1, 1), (2, 3), (3, 2), (2, 2), (1, 1), (NAN, 5)]
    # (3,2) and (2,2) are dominated by (2,3); the two (1,1) tie and both stay; NaN never does.
    assert pareto_front(points, ("lower", "higher")) == [0, 1, 4]


def test_pareto_front_both_lower_by_hand() -> None:
    points = [(1, 5), (2, 4), (3, 3), (2, 5), (4, 1), (3, 4)]
    assert pareto_front(points, ("lower", "lower")) == [0, 1, 2, 4]


def test_dominance_needs_one_strict_improvement() -> None:
    assert dominates((1, 1), (1, 2), ("lower", "lower"))
    assert not dominates((1, 2), (1, 2), ("lower", "lower"))
    assert not dominates((0, 3), (1, 2), ("lower", "lower"))
    assert dominates((2, 3), (2, 2), ("lower", "higher"))


def test_linear_range_in_seconds() -> None:
    p = parse_param("strategies.swr.0.cache.fresh_for=1s..60s", steps=8)
    # the steps between the ends with two significant digits (not 9.429s, 17.86s)
    assert p.texts == ("1s", "9.4s", "18s", "26s", "35s", "43s", "52s", "60s")
    assert p.numbers[1] == pytest.approx(9.4) and p.unit == "s"
    assert p.name == "fresh_for" and p.column == "param:strategies.swr.0.cache.fresh_for"


def test_log_range_and_mixed_units() -> None:
    assert parse_param("a.b=1s..60s", steps=3, log=True).texts == ("1s", "7.7s", "60s")
    assert parse_param("a.b=100ms..2s", steps=2).texts == ("100ms", "2s")
    assert spread(1, 100, 3, log=True) == pytest.approx([1, 10, 100])


def test_rates_integers_and_lists() -> None:
    assert parse_param("w.a.poisson=10/s..100/s", steps=3).texts == ("10/s", "55/s", "100/s")
    users = parse_param("workload.users=1..16", steps=4)
    assert users.texts == ("1", "6", "11", "16") and users.numbers == (1, 6, 11, 16)
    assert parse_param("x=1..3", steps=8).texts == ("1", "2", "3")   # rounded, deduplicated
    listed = parse_param("workload.users=10, 100,1000")
    assert listed.texts == ("10", "100", "1000") and listed.numbers == (10, 100, 1000)
    words = parse_param("x.preset=swr,tanstack-query-v5")
    assert words.texts == ("swr", "tanstack-query-v5") and all(map(math.isnan, words.numbers))


@pytest.mark.parametrize(("text", "log", "message"), [
    ("no-equals", False, "expected PATH=LOW..HIGH"),
    ("x=", False, "expected PATH=LOW..HIGH"),
    ("x=1s..5", False, "both ends of a range"),
    ("x=fast..slow", False, "both ends of a range"),
    ("x=0s..5s", True, "needs both ends above zero"),
])
def test_bad_params(text: str, log: bool, message: str) -> None:
    with pytest.raises(SweepError, match=message):
        parse_param(text, steps=4, log=log)


def test_grid_first_parameter_slowest() -> None:
    a = Param("w.users", ("1", "2"), (1.0, 2.0), "")
    b = Param("s.x.0.timeout", ("1s", "2s", "3s"), (1.0, 2.0, 3.0), "s")
    points = grid([a, b])
    assert [p.assignments for p in points[:4]] == [
        ("w.users=1", "s.x.0.timeout=1s"), ("w.users=1", "s.x.0.timeout=2s"),
        ("w.users=1", "s.x.0.timeout=3s"), ("w.users=2", "s.x.0.timeout=1s")]
    assert points[5].label == "users=2, timeout=3s" and points[5].values == {
        "w.users": 2.0, "s.x.0.timeout": 3.0}
    with pytest.raises(SweepError, match="at most"):
        grid([Param("x", tuple(map(str, range(200))), tuple(range(200)), "")] * 2)


def test_table_and_tradeoffs_from_summaries() -> None:
    param = Param("s.ttl", ("1s", "10s", "30s", "60s"), (1.0, 10.0, 30.0, 60.0), "s")
    points = grid([param])
    summaries = [summary({"ttl": {"hit_rate": [h, h], "stale_rate": [s, s]},
                          "none": {"hit_rate": [0.0, 0.0], "stale_rate": [0.0, 0.0]}})
                 for h, s in ((0.2, 0.01), (0.6, 0.05), (0.5, 0.3), (0.9, 0.2))]
    table = sweep_table([param], points, summaries)
    assert list(table.columns[:6]) == ["point", "label", "strategy", "swept", "param:s.ttl",
                                       "param:s.ttl:text"]
    assert len(table) == 8 and table["param:s.ttl"].tolist() == [1, 1, 10, 10, 30, 30, 60, 60]
    assert table.loc[6, "hit_rate"] == 0.9 and table.loc[6, "hit_rate:ci95_low"] == 0.9
    (trade,) = [t for t in tradeoffs(table, summaries[0]) if t.y == "stale_rate"]
    # Row 4 (30s: 50% hits, 30% stale) is beaten by row 2 (10s: 60% hits, 5% stale); the
    # 'none' rows (no hits, nothing stale) tie with each other and all stay.
    assert trade.better == ("higher", "lower")
    assert trade.front == [0, 1, 2, 3, 5, 6, 7]


def test_unswept_strategies_are_a_single_reference() -> None:
    param = Param("strategies.ttl.0.cache.ttl", ("1s", "10s"), (1.0, 10.0), "s")
    assert swept_strategies([param], ["ttl", "none"]) == {"ttl"}
    assert swept_strategies([param, Param("workload.users", ("1",), (1.0,), "")],
                            ["ttl", "none"]) == {"ttl", "none"}
    summaries = [summary({"ttl": {"hit_rate": [h]}, "none": {"hit_rate": [0.0]}})
                 for h in (0.2, 0.6)]
    table = sweep_table([param], grid([param]), summaries, swept={"ttl"})
    assert table["swept"].tolist() == [True, False, True, False]
    view = reference_view(table)
    assert view[["strategy", "label"]].values.tolist() == [
        ["ttl", "ttl=1s"], ["none", "not swept"], ["ttl", "ttl=10s"]]
