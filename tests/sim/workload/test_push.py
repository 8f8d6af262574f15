"""Push channels: one per user and key, ordered delivery, disconnects, reconnects, resync."""

from __future__ import annotations

import numpy as np

from asyncsim.sim.data import PoissonChangeModel
from asyncsim.sim.distributions import Constant, Uniform
from asyncsim.sim.workload.logs.live import LiveCounters
from asyncsim.sim.workload.push import PushSpec
from asyncsim.sim.workload.visibility import AlternatingSpec
from tests.sim.workload.live_harness import displays, simulate_live, starts, switches


def _changes_between(simulation: object, start: float, end: float, key: int = 0) -> int:
    model = simulation.data["api"]  # type: ignore[attr-defined]
    assert isinstance(model, PoissonChangeModel)
    return len([t for t in model.change_times(key, end) if t > start])


def test_views_of_one_key_share_one_channel_per_user() -> None:
    # 3 users x 2 views, all on key 0: 3 channels, each change pushed 3 times
    simulation, result = simulate_live([PushSpec()], users=3, views=2, keys=1,
                                       duration_s=200.0, change_rate_per_s=0.5)
    changes = _changes_between(simulation, 0.0, 200.0)
    assert changes > 50
    assert result.logs[LiveCounters]["pushes"] == 3 * changes
    assert displays(result)["pushes"].tolist() == [changes] * 3
    assert starts(result) == [0.0] * 3  # the mount fetches only: one per user, views join


def test_delivery_is_in_order_so_no_message_is_older_than_the_one_before() -> None:
    # delays up to 20 s with changes every ~2 s: without FIFO many messages would overtake
    simulation, result = simulate_live([PushSpec(Uniform(0.0, 20.0))], duration_s=400.0,
                                       change_rate_per_s=0.5)
    counters = result.logs[LiveCounters]
    assert counters["pushes"] >= _changes_between(simulation, 0.0, 380.0)
    assert counters.get("pushes_not_newer", 0) == 0


def test_a_constant_delay_leaves_each_version_stale_for_exactly_that_delay() -> None:
    simulation, result = simulate_live([PushSpec(Constant(0.25))], duration_s=300.0,
                                       change_rate_per_s=0.2)
    model = simulation.data["api"]
    assert isinstance(model, PoissonChangeModel)
    times = np.array(model.change_times(0, 300.0))
    gaps = np.diff(np.concatenate([times, [300.0]]))
    expected = float(np.minimum(gaps, 0.25).sum())  # the next change may come first
    assert abs(displays(result)["stale_s"][0] - expected) < 1e-9


def test_offline_drops_the_channel_and_reconnects_with_backoff_then_resyncs() -> None:
    # offline for 5 s: attempts 0.5, 1, 2 s apart fail, the one 4 s later (7.5 s after the
    # drop) succeeds and fetches the key
    network = AlternatingSpec(Constant(30.3), Constant(5.0))
    result = simulate_live([PushSpec()], duration_s=200.0, network=network,
                           change_rate_per_s=0.1)[1]
    changes = switches(result, network=True)
    drops = [t for t, on in changes if not on]
    resyncs = [round(t + 7.5, 9) for t in drops if t + 7.5 < 200.0]
    # mounted online: the mount fetch; mounted offline (for 5 s): the first connection at 7.5
    mounted_online = not changes[0][1]
    first = [0.0] if mounted_online else [7.5]
    assert starts(result) == first + resyncs
    counters = result.logs[LiveCounters]
    assert counters["push_disconnects"] == len(drops)
    assert counters["push_resyncs"] == counters["push_reconnects"] == len(resyncs) + (
        0 if mounted_online else 1)


def test_closing_while_hidden_resyncs_when_shown_and_gets_no_pushes_while_hidden() -> None:
    tabs = AlternatingSpec(Constant(10.3), Constant(9.9))
    simulation, result = simulate_live([PushSpec(when_hidden="close")], duration_s=200.0,
                                       visibility=tabs, change_rate_per_s=0.5)
    changes = switches(result)
    shown = [round(t, 9) for t, on in changes if on]
    assert starts(result) == [0.0, *shown]
    visible = []
    since, state = 0.0, not changes[0][1]
    for t, on in [*changes, (200.0, not changes[-1][1])]:
        if state:
            visible.append((since, t))
        since, state = t, on
    pushed = sum(_changes_between(simulation, a, b) for a, b in visible)
    assert result.logs[LiveCounters]["pushes"] == pushed


def test_random_disconnects_are_counted() -> None:
    result = simulate_live([PushSpec(disconnect_rate_per_s=0.05)], duration_s=2000.0,
                           change_rate_per_s=0.1)[1]
    counters = result.logs[LiveCounters]
    # connected nearly all the time (reconnects take 0.5 s): about 0.05/s x 2000 s = 100
    assert 60 < counters["push_disconnects"] < 140
    assert counters["push_reconnects"] == counters["push_resyncs"]
    assert counters["push_reconnects"] >= counters["push_disconnects"] - 1
