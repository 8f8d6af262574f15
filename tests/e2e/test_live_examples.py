"""examples/live-dashboard.yaml and examples/todo-optimistic.yaml tell stories in their
comments (and the README repeats them); these checks keep the stories true."""

from __future__ import annotations

from pathlib import Path

from asyncsim.commands.common import load
from asyncsim.commands.run import run_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def values(name: str) -> dict[str, dict[str, float]]:
    loaded = load(EXAMPLES / f"{name}.yaml", ["replications=1"])
    return {strategy: {key: entry["mean"] for key, entry in data["values"].items()}
            for strategy, data in run_scenario(loaded, None, jobs=1).summary["strategies"].items()}


def test_the_dashboard_example_shows_what_its_comments_say() -> None:
    v = values("live-dashboard")
    poll, tanstack, smart = v["poll-10s"], v["tanstack-10s"], v["smart-10s"]
    push, focus = v["push"], v["focus-only"]
    requests = "requests_per_user_hour"
    # background polling pays several times the requests of smart polling (the tab is
    # visible 20% of the time) for about the same share of stale visible time
    assert 3.5 < poll[requests] / smart[requests] < 6.0
    assert abs(poll["visible_staleness"] - smart["visible_staleness"]) < 0.03
    assert abs(tanstack[requests] / smart[requests] - 1) < 0.1
    # push: the freshest, nearly free in requests, paying in pushes instead
    assert push["visible_staleness"] < 0.25 * smart["visible_staleness"]
    assert push[requests] < 0.05 * smart[requests] and push["pushes_per_user_hour"] > 0
    # focus-only: one fetch per look, and outdated most of the time
    assert focus[requests] < 0.1 * smart[requests]
    assert focus["visible_staleness"] > 0.5 and focus["visible_stale_age"] > 60


def test_the_todo_example_shows_what_its_comments_say() -> None:
    v = values("todo-optimistic")
    pessimistic, rollback = v["pessimistic"], v["optimistic-rollback"]
    tanstack, swr = v["tanstack-recipe"], v["swr-recipe"]
    # optimistic changes show at once; pessimistic ones take the write's latency
    assert pessimistic["perceived_latency.med"] > 0.15
    assert all(s["perceived_latency.max"] == 0 for n, s in v.items() if n != "pessimistic")
    # taken back at the write failure rate (5%)
    for name in ("optimistic-rollback", "optimistic-refetch", "tanstack-recipe", "swr-recipe"):
        assert abs(v[name]["rollback_rate"] - v[name]["write_error_rate"]) < 1e-12, name
        assert 0.03 < v[name]["rollback_rate"] < 0.07, name
    # poll answers racing a write wipe the change; SWR's discard removes most of that
    assert pessimistic["flickers"] == 0
    assert rollback["flickers"] > tanstack["flickers"] > 3 * swr["flickers"]
    # refetching on focus gives writers a fresher base: fewer lost updates
    assert tanstack["lost_updates"] < 0.8 * rollback["lost_updates"]
    assert swr["lost_updates"] < 0.8 * rollback["lost_updates"]
