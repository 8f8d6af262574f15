"""Nonsensical cache, dedup and data settings: exit 104, each at the line and column of the
value to fix, with a message that says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from asyncsim.cli import cli
from tests.helpers import MINIMAL, validate_rejects

runner = CliRunner()


def with_layer(layer: str) -> str:
    """MINIMAL plus one strategy whose only layer is ``layer`` (on line 15)."""
    return MINIMAL + f"strategies:\n  s:\n    - {layer}\n"


# (yaml text, line, the value text whose column is expected, message fragment)
CASES = {
    "stale_for shorter than fresh_for": (
        with_layer("cache: {fresh_for: 10s, stale_for: 5s}"), 15, "5s}",
        "stale_for 5s is shorter than fresh_for 10s"),
    "max_entries zero": (
        with_layer("cache: {max_entries: 0}"), 15, "0}", "greater than 0"),
    "unknown eviction": (
        with_layer("cache: {max_entries: 10, eviction: mru}"), 15, "mru}",
        "'mru' is not allowed (did you mean 'lru'? allowed: 'lru', 'fifo', 'random', 'lfu')"),
    "eviction without a size limit": (
        with_layer("cache: {eviction: lfu}"), 15, "lfu}", "eviction needs max_entries"),
    "fresh_for beyond ttl": (
        with_layer("cache: {ttl: 30s, fresh_for: 60s}"), 15, "60s}",
        "fresh_for 60s is longer than ttl 30s"),
    "stale_for beyond ttl": (
        with_layer("cache: {ttl: 30s, fresh_for: 10s, stale_for: 1m}"), 15, "1m}",
        "stale_for 60s is longer than ttl 30s"),
    "sliding without ttl": (
        with_layer("cache: {expiry: sliding}"), 15, "sliding}",
        "expiry: sliding needs a finite ttl"),
    "xfetch on a cache that never expires": (
        with_layer("cache: {xfetch_beta: 1}"), 15, "1}", "xfetch_beta needs a finite fresh_for"),
    "negative xfetch beta": (
        with_layer("cache: {ttl: 1m, xfetch_beta: -1}"), 15, "-1}", "greater than 0"),
    "unknown preset with did-you-mean": (
        with_layer("cache: {preset: swr-3}"), 15, "swr-3}", "did you mean 'swr-2'?"),
    "preset value contradicted by a written field": (
        with_layer("cache: {preset: solid-router-query, fresh_for: 10s}"), 15, "10s}",
        "stale_for 5s (from preset solid-router-query) is shorter than fresh_for 10s"),
    "ttl without unit": (
        with_layer("cache: {ttl: 60}"), 15, "60}", "60 has no unit"),
    "unknown cache field": (
        with_layer("cache: {tll: 60s}"), 15, "tll", "unknown field 'tll' (did you mean 'ttl'?"),
    "unknown expiry": (
        with_layer("cache: {ttl: 1m, expiry: lazy}"), 15, "lazy}",
        "'lazy' is not allowed (allowed: 'insertion', 'sliding')"),
    "negative dedup window": (
        with_layer("dedup: {window: -2s}"), 15, "-2s}", "'-2s' is negative"),
    "zero change rate": (
        MINIMAL.replace("    latency: {exponential: 10ms}\n",
                        "    latency: {exponential: 10ms}\n    data: {change_rate: 0/s}\n"),
        10, "0/s}", "greater than 0"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_cache_setting_is_reported_at_its_value(tmp_path: Path, name: str) -> None:
    text, line, value, fragment = CASES[name]
    rejection = validate_rejects(tmp_path, text)
    expected_col = text.splitlines()[line - 1].index(value) + 1
    assert (rejection.line, rejection.col) == (line, expected_col), rejection.output
    assert fragment in rejection.message, rejection.output


def test_every_bad_cache_setting_of_a_scenario_is_listed_at_once(tmp_path: Path) -> None:
    text = MINIMAL + ("strategies:\n  a:\n    - cache: {eviction: lfu}\n"
                      "  b:\n    - cache: {fresh_for: 10s, stale_for: 5s}\n")
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 104
    assert "strategies.a.0.cache.eviction" in result.output
    assert "strategies.b.0.cache.stale_for" in result.output
    assert "2 problems" in result.output
