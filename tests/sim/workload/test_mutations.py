"""Mutations: what a change shows and when, rollbacks, races with fetches, conflicts."""

from __future__ import annotations

import numpy as np
import pytest

from asyncsim.sim.data_writes import WritableData
from asyncsim.sim.distributions import Constant
from asyncsim.sim.workload.logs.live import LiveCounters
from asyncsim.sim.workload.mutations import MutationModeSpec, MutationsSpec
from asyncsim.sim.workload.polling import PollingSpec
from tests.sim.workload.live_harness import changes, run_live, simulate_live

WRITES = MutationsSpec(0.2, "writes")


def alone(log: dict[str, np.ndarray], gap_s: float = 3.5) -> np.ndarray:
    """Changes with no other change within ``gap_s``: a change made while another is
    pending is legitimately hidden when the other one settles (rolled back, or replaced by
    a value without it), so exact per-change figures hold for isolated changes only."""
    order = np.argsort(log["t_start_s"])
    starts = log["t_start_s"][order]
    before = np.diff(starts, prepend=-np.inf)
    after = np.diff(starts, append=np.inf)
    keep = np.zeros(len(starts), dtype=bool)
    keep[order] = (before > gap_s) & (after > gap_s)
    return keep


def test_pessimistic_change_shows_when_the_server_answers() -> None:
    log = changes(run_live([MutationModeSpec("pessimistic")], mutations=WRITES,
                           write_latency=Constant(0.7), duration_s=300.0))
    assert len(log["ok"]) > 30 and log["ok"].all()
    assert np.allclose(log["perceived_s"], 0.7) and np.allclose(log["write_s"], 0.7)
    assert not log["optimistic"].any() and (log["unconfirmed_s"] == 0).all()


def test_failed_pessimistic_change_never_shows() -> None:
    log = changes(run_live([MutationModeSpec("pessimistic")], mutations=WRITES,
                           write_latency=Constant(0.7), write_error_rate=1.0, duration_s=300.0))
    assert not log["ok"].any() and np.isnan(log["perceived_s"]).all()
    assert not log["rolled_back"].any()


def test_optimistic_change_shows_at_once_and_failures_are_rolled_back() -> None:
    log = changes(run_live([MutationModeSpec("optimistic_rollback")], mutations=WRITES,
                           write_latency=Constant(0.7), write_error_rate=1.0, duration_s=300.0))
    assert log["optimistic"].all() and (log["perceived_s"] == 0).all()
    assert log["rolled_back"].all()
    isolated = alone(log)
    assert isolated.sum() > 10
    assert np.allclose(log["unconfirmed_s"][isolated], 0.7)  # shown until refused


def test_optimistic_refetch_keeps_the_change_until_the_refetch_answers() -> None:
    log = changes(run_live([MutationModeSpec("optimistic_refetch", populate=False,
                                             refetch_after=True)],
                           mutations=WRITES, latency=Constant(0.3),
                           write_latency=Constant(0.7), duration_s=300.0))
    assert log["ok"].all()
    isolated = alone(log)
    assert isolated.sum() > 10
    assert np.allclose(log["unconfirmed_s"][isolated], 1.0)  # write 0.7 s, refetch 0.3 s


@pytest.mark.parametrize(("guard", "flickers"), [("none", True), ("cancel", True),
                                                   ("discard", False)])
def test_poll_answers_during_a_slow_write_flicker_unless_discarded(guard: str,
                                                                   flickers: bool) -> None:
    # polls every second answer in 0.2 s while a write takes 3 s: without a guard every poll
    # answer during the write replaces the change with the server's old value
    result = run_live([PollingSpec(1.0, in_background=True),
                       MutationModeSpec("optimistic_rollback", race_guard=guard)],  # type: ignore[arg-type]
                      mutations=WRITES, latency=Constant(0.2), write_latency=Constant(3.0),
                      duration_s=300.0)
    log = changes(result)
    assert log["ok"].all()
    isolated = alone(log)
    assert isolated.sum() > 5
    if flickers:
        assert (log["flickers"][isolated] == 1).all()  # gone at the first poll answer
    else:
        assert (log["flickers"][isolated] == 0).all()
        assert result.logs[LiveCounters]["discarded"] > 0


def _recount(data: WritableData, key: int, policy: str) -> dict[int, list[int]]:
    """Per client, what each of its writes should report: others' writes it did not see.

    Nobody polls, so a user sees only its mount value and its own commits: a write's base is
    the writer's previous commit (or the mount value).
    """
    per_client: dict[int, list[int]] = {}
    seen_upto: dict[int, int] = {}
    for index, (_, writer) in enumerate(data.writes(key)):
        since = seen_upto.get(writer, -1)
        others = sum(1 for _, w in data.writes(key)[since + 1:index] if w != writer)
        per_client.setdefault(writer, []).append(others)
        seen_upto[writer] = index
    return per_client


def test_last_write_wins_counts_the_changes_it_overwrote_unseen() -> None:
    simulation, result = simulate_live([MutationModeSpec("pessimistic")], users=4,
                                       mutations=MutationsSpec(0.1, "writes"),
                                       write_latency=Constant(0.5), duration_s=500.0)
    data = simulation.data["api"]
    assert isinstance(data, WritableData)
    log = changes(result)
    expected = _recount(data, 0, "last_write_wins")
    for client, lost in expected.items():
        mine = log["lost"][(log["client"] == client) & log["ok"].astype(bool)]
        assert sorted(mine.tolist()) == sorted(lost)
    assert log["lost"].sum() > 20


def test_reject_refuses_writes_to_a_key_changed_since() -> None:
    simulation, result = simulate_live([MutationModeSpec("pessimistic")], users=4,
                                       mutations=MutationsSpec(0.1, "writes", "reject"),
                                       write_latency=Constant(0.5), duration_s=500.0)
    log = changes(result)
    assert log["conflict"].sum() > 20
    assert (log["ok"].astype(bool) != log["conflict"].astype(bool)).all()
    assert log["lost"].sum() == 0
    data = simulation.data["api"]
    assert isinstance(data, WritableData)
    assert len(data.writes(0)) == int(log["ok"].sum())
