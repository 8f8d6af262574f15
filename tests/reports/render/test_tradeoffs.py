"""The plain-words tradeoff text, from hand-made summaries."""

from __future__ import annotations

import pytest

from asyncsim.reports.render.tradeoffs import prose_value, tradeoff_sentences
from tests.reports.summaries import summary


@pytest.mark.parametrize(("value", "unit", "text"), [
    (0.3, "s", "300 ms"), (4.1234, "s", "4.12 s"), (40.17, "s", "40.2 s"), (2e-5, "s", "20.0 µs"),
    (0.0, "s", "0 s"), (0.97, "1", "97.0%"), (0.002, "1", "0.200%"), (0.0345, "1", "3.45%"),
    (0.0, "1", "0%"), (16297.0, "calls", "16,297"), (1.0, "calls/req", "1"),
    (float("nan"), "s", "n/a")])
def test_prose_values(value: float, unit: str, text: str) -> None:
    assert prose_value(value, unit) == text


def test_cache_tradeoff_in_plain_words() -> None:
    run = summary({
        "swr": {"hit_rate": [0.97, 0.97, 0.97], "stale_rate": [0.3, 0.31, 0.29],
                "staleness.med": [4.0, 4.1, 4.2], "backend_calls": [100, 104, 96],
                "latency.p(99)": [0.2, 0.21, 0.19], "error_rate": [0.0, 0.0, 0.0]},
        "ttl-60s": {"hit_rate": [0.88, 0.88, 0.88], "stale_rate": [0.0, 0.0, 0.0],
                    "staleness.med": [0.0, 0.0, 0.0], "backend_calls": [400, 410, 390],
                    "latency.p(99)": [0.2, 0.22, 0.18], "error_rate": [0.0, 0.0, 0.0]}})
    assert tradeoff_sentences(run, ["swr", "ttl-60s"]) == [
        "swr serves 97.0% of requests from cache at a median staleness of 4.10 s and has the "
        "lightest backend load (100 calls).",
        "ttl-60s serves 88.0% of requests from cache with none stale, but sends 4.0x the backend "
        "calls of swr.",
    ]


def test_timeout_tradeoff_in_plain_words() -> None:
    run = summary({
        "no-timeout": {"latency.p(99)": [40.0, 41.0, 39.5], "error_rate": [0.002, 0.003, 0.001],
                       "backend_calls": [100, 100, 100]},
        "timeout": {"latency.p(99)": [0.3, 0.3, 0.3], "error_rate": [0.68, 0.70, 0.66],
                    "backend_calls": [100, 100, 100]}})
    assert tradeoff_sentences(run, ["no-timeout", "timeout"]) == [
        "no-timeout has the fewest failures (0.200% of requests), but a p99 latency of 40.2 s "
        "(timeout: 300 ms).",
        "timeout has the lowest p99 latency (300 ms), but fails 68.0% of requests "
        "(no-timeout: 0.200%).",
    ]


def test_differences_within_noise_are_not_tradeoffs() -> None:
    run = summary({"a": {"latency.p(99)": [1.0, 1.3, 0.8], "error_rate": [0.01, 0.01, 0.01]},
                   "b": {"latency.p(99)": [1.2, 0.9, 1.1], "error_rate": [0.01, 0.01, 0.01]}})
    assert tradeoff_sentences(run, ["a", "b"]) == [
        "a is within noise of the best on p99 latency, failures and backend load.",
        "b is within noise of the best on p99 latency, failures and backend load."]


def test_a_strategy_best_at_nothing_gets_its_costs_only() -> None:
    run = summary({
        "fast": {"latency.p(99)": [0.1, 0.1, 0.1], "error_rate": [0.01, 0.01, 0.01]},
        "slow": {"latency.p(99)": [2.0, 2.1, 1.9], "error_rate": [0.01, 0.01, 0.01]}})
    assert tradeoff_sentences(run, ["fast", "slow"])[1] == (
        "slow has a p99 latency of 2.00 s (fast: 100 ms).")


def test_a_single_strategy_is_described() -> None:
    run = summary({"only": {"success_rate": [0.99, 0.99], "latency.p(99)": [0.25, 0.25],
                            "amplification": [1.5, 1.5]}})
    assert tradeoff_sentences(run, ["only"]) == [
        "only answers 99.0% of requests with a p99 latency of 250 ms and 1.50 backend calls per "
        "request."]
