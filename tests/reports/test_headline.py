"""The headline answers the scenario's question from the numbers, honest about noise."""

from __future__ import annotations

from typing import Any

from asyncsim.reports.headline import headline
from asyncsim.reports.render.values import format_number
from asyncsim.reports.significance import rank, significantly_best
from tests.reports.summaries import summary


def _with_goals(data: dict[str, Any], *goals: tuple[str, str], families: tuple[str, ...] = (),
                constraints: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    data["objectives"] = {"source": "scenario", "families": list(families),
                          "goals": [{"key": k, "better": b} for k, b in goals],
                          "constraints": list(constraints)}
    return data


def test_waterfall_names_parallel_three_seconds_against_seven() -> None:
    data = _with_goals(summary({"chained": {"ttac.p(95)": [7.0]},
                                "parallel": {"ttac.p(95)": [3.0]}}), ("ttac.p(95)", "lower"))
    lines = headline(data)
    assert lines[0] == ("parallel is best on ttac p95: 3.00 s vs 7.00 s (chained; one "
                        "replication: noise not measured)")
    assert lines[1] == "pick parallel: best or tied on every objective"


def test_exact_ties_are_ties() -> None:
    data = _with_goals(summary({"a": {"ttfc.p(95)": [1.0, 1.0]},
                                "b": {"ttfc.p(95)": [1.0, 1.0]}}), ("ttfc.p(95)", "lower"))
    assert headline(data)[0] == "all strategies tie on ttfc p95 (1.00 s)"


def test_a_lead_inside_the_noise_is_not_a_win() -> None:
    # b is lower on average, but the paired differences (-3, +1, -1) straddle 0.
    data = _with_goals(summary({"a": {"backend_calls": [10.0, 12.0, 11.0]},
                                "b": {"backend_calls": [7.0, 13.0, 10.0]}}),
                       ("backend_calls", "lower"))
    line = headline(data)[0]
    assert line.startswith("b leads on backend_calls") and "cannot tell it from noise" in line
    assert significantly_best(data, "backend_calls", "lower", ["a", "b"]) is None


def test_a_consistent_paired_difference_wins_despite_noise_between_replications() -> None:
    # Replications vary a lot (10 .. 50) but b is always 1 lower: common random numbers.
    data = _with_goals(summary({"a": {"backend_calls": [10.0, 30.0, 50.0, 20.0]},
                                "b": {"backend_calls": [9.0, 29.0, 49.1, 18.9]}}),
                       ("backend_calls", "lower"))
    assert rank(data, "backend_calls", "lower").sole_winner == "b"
    assert headline(data)[0].startswith("b is best on backend_calls: 26.5 calls vs 27.5 calls")


def test_pick_names_a_strategy_per_value() -> None:
    data = _with_goals(summary({
        "fast": {"latency.p(99)": [0.3, 0.3, 0.3], "goodput": [30.0, 31.0, 32.0]},
        "patient": {"latency.p(99)": [9.0, 11.0, 12.0], "goodput": [50.0, 50.5, 51.0]}}),
        ("latency.p(99)", "lower"), ("goodput", "higher"))
    assert "pick fast if you value latency p99, patient if you value goodput" in headline(data)


def test_retry_storm_lesson_recovers_vs_not() -> None:
    reps = {"goodput_end": [164.0, 165.0], "goodput": [135.0, 136.0],
            "backend_calls": [23000.0, 24000.0]}
    data = _with_goals(summary({
        "budget": reps, "immediate": {"goodput_end": [0.0, 0.0], "goodput": [35.0, 36.0],
                                      "backend_calls": [57000.0, 58000.0]}}),
        ("goodput_end", "higher"), families=("resilience",))
    assert ("budget recovers by the end of the run (goodput_end 164 req/s); immediate does "
            "not (0 req/s)") in headline(data)


def test_quickstart_lesson_same_work_less_goodput() -> None:
    data = _with_goals(summary({
        "no-timeout": {"backend_calls": [13000.0, 14000.0, 13500.0, 13800.0],
                       "goodput": [50.0, 50.5, 49.8, 50.3]},
        "timeout": {"backend_calls": [13000.0, 14000.0, 13500.0, 13800.0],
                    "goodput": [35.0, 34.5, 34.8, 34.4]}}),
        ("goodput", "higher"), families=("resilience",))
    assert ("the backend does the same work under every strategy (13,575 calls), yet goodput "
            "falls from 50.1 req/s (no-timeout) to 34.7 req/s (timeout)") in headline(data)


def test_lessons_only_for_resilience_runs() -> None:
    """A live view that stops polling has goodput_end 0 by design, not a failed recovery."""
    data = _with_goals(summary({"poll": {"goodput_end": [9.0, 9.0]},
                                "push": {"goodput_end": [0.0, 0.0]}}),
                       ("goodput_end", "higher"), families=("live",))
    assert not any("recover" in line for line in headline(data))


def test_a_strategy_breaking_a_constraint_cannot_win() -> None:
    data = _with_goals(summary({"cheap": {"latency.p(99)": [2.0, 2.1], "backend_calls": [10.0,
                                                                                         11.0]},
                                "costly": {"latency.p(99)": [0.5, 0.6],
                                           "backend_calls": [90.0, 91.0]}}),
                       ("latency.p(99)", "lower"),
                       constraints=({"key": "backend_calls", "operator": "<=", "limit": 50.0,
                                     "text": "backend_calls <= 50"},))
    lines = headline(data)
    assert "costly breaks backend_calls <= 50 (90.5 calls): it cannot win" in lines
    assert lines[0].startswith("cheap: latency p99")  # the only strategy left to rank
    assert "pick cheap: the only strategy that keeps the constraints" in lines


def test_one_formatter_never_says_zero_microseconds() -> None:
    assert format_number(0.0, "s") == "0 s"
    assert format_number(4e-7, "s") == "< 1 µs"
    assert format_number(0.3, "s") == "300 ms"
    assert format_number(3.0, "s") == "3.00 s"
    assert format_number(0.1869, "1") == "18.7%"
    assert format_number(13591.5, "calls") == "13,592 calls"
