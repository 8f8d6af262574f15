"""Nonsensical live settings: exit 104, each at the line and column of the value to fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from asyncsim.cli import cli
from tests.helpers import validate_rejects

runner = CliRunner()

LIVE = """\
version: 1
name: live
duration: 10m
backends:
  api:
    latency: {exponential: 50ms}
    data: {change_rate: 1/min}
workload:
  target: api
  users: 10
  live:
    visibility: {visible: {exponential: 1m}, hidden: {exponential: 2m}}
    network: {online: {exponential: 1h}, offline: {exponential: 10s}}
strategies:
  s:
"""
"""A valid live scenario; a test appends strategy items (from line 16) or edits a line."""


def item(text: str) -> str:
    return LIVE + f"    - {text}\n"


def edit(old: str, new: str) -> str:
    assert old in LIVE
    return LIVE.replace(old, new) + "    - polling: 5s\n"


# (yaml text, line, the text whose first column is expected, message fragment)
CASES = {
    "polling interval 0": (item("polling: {interval: 0s}"), 16, "0s}", "greater than 0"),
    "polling interval shorthand 0": (item("polling: 0s"), 16, "0s", "greater than 0"),
    "negative polling interval": (item("polling: {interval: -5s}"), 16, "-5s}",
                                  "'-5s' is negative"),
    "negative push delay": (item("push: {delay: -200ms}"), 16, "-200ms}",
                            "'-200ms' is negative"),
    "negative push delay mean": (item("push: {delay: {exponential: -1s}}"), 16, "-1s}",
                                 "'-1s' is negative"),
    "negative reconnect delay": (item("push: {reconnect_base: -1s}"), 16, "-1s}",
                                 "'-1s' is negative"),
    "negative focus throttle": (item("focus: {throttle: -5s}"), 16, "-5s}",
                                "'-5s' is negative"),
    "negative stale time": (item("focus: {stale_time: -1m}"), 16, "-1m}", "'-1m' is negative"),
    "visible periods of zero mean": (
        edit("{visible: {exponential: 1m}", "{visible: 0s"), 12, "0s,",
        "periods of mean 0s never end"),
    "hidden periods of zero mean": (
        edit("hidden: {exponential: 2m}}", "hidden: {uniform: {low: 0s, high: 0s}}}"), 12,
        "{uniform", "periods of mean 0s never end"),
    "offline periods of zero mean": (
        edit("offline: {exponential: 10s}}", "offline: {empirical: {samples: [0s, 0s]}}}"), 13,
        "{empirical", "periods of mean 0s never end"),
    "zero change rate for mutations": (
        edit("    network:", "    mutations: {rate: 0/min}\n    network:"), 13, "0/min}",
        "greater than 0"),
    "unknown mutations target": (
        edit("    network:", "    mutations: {rate: 1/min, target: nope}\n    network:"), 13,
        "nope}", "unknown backend 'nope' (allowed: api)"),
    "unknown polling mode": (item("polling: {interval: 5s, mode: eager}"), 16, "eager}",
                             "allowed: 'fixed_rate', 'after_completion'"),
    "unknown preset": (item("polling: {preset: swr-3, interval: 5s}"), 16, "swr-3,",
                       "did you mean 'swr-2'?"),
    "smart polling in the background": (
        item("polling: {interval: 5s, smart: true, in_background: true}"), 16, "true}",
        "smart polling pauses while the tab is hidden"),
    "reconnect cap below base": (item("push: {reconnect_base: 2s, reconnect_cap: 1s}"), 16,
                                 "1s}", "reconnect_cap 1s is shorter than reconnect_base 2s"),
    "a mutation mode without mutations": (item("mutation: {mode: optimistic_rollback}"), 16,
                                          "{mode", "needs workload.live.mutations"),
    "two polling items": (LIVE + "    - polling: 5s\n    - polling: 10s\n", 17, "10s",
                          "polling is set twice in strategy 's'"),
    "polling without a live workload": (
        LIVE.replace("  live:\n    visibility: {visible: {exponential: 1m}, hidden: "
                     "{exponential: 2m}}\n    network: {online: {exponential: 1h}, offline: "
                     "{exponential: 10s}}\n", "  arrivals: {poisson: 10/s}\n")
        + "    - polling: 5s\n", 14, "5s", "polling applies to a workload with live"),
    "live views and page views together": (
        edit("  users: 10\n", "  users: 10\n  pages: {resources: {a: {backend: api}}}\n"), 9,
        "target", "live views are a workload of their own: remove pages"),
    "live and arrivals together": (
        edit("  users: 10\n", "  users: 10\n  arrivals: {poisson: 1/s}\n"), 9, "target",
        "choose one load model: arrivals (open), closed or contention, or live"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_live_setting_is_reported_at_its_value(tmp_path: Path, name: str) -> None:
    text, line, value, fragment = CASES[name]
    rejection = validate_rejects(tmp_path, text)
    expected_col = text.splitlines()[line - 1].index(value) + 1
    assert (rejection.line, rejection.col) == (line, expected_col), rejection.output
    assert fragment in rejection.output, rejection.output


def test_the_base_scenario_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(item("polling: 5s"))
    assert runner.invoke(cli, ["validate", str(path)]).exit_code == 0
