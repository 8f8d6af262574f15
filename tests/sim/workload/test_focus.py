"""Focus and reconnect revalidation: when a tab shown again (or back online) refetches."""

from __future__ import annotations

from asyncsim.sim.distributions import Constant
from asyncsim.sim.workload.focus import FocusSpec
from asyncsim.sim.workload.logs.live import LiveCounters
from asyncsim.sim.workload.polling import PollingSpec
from asyncsim.sim.workload.visibility import AlternatingSpec
from tests.sim.workload.live_harness import run_live, starts, switches


def test_tanstack_focus_refetches_at_every_focus() -> None:
    result = run_live([FocusSpec()], duration_s=100.0,
                      visibility=AlternatingSpec(Constant(10.3), Constant(9.9)))
    shown = [round(t, 9) for t, on in switches(result) if on]
    assert starts(result) == [0.0, *shown]


def test_swr_throttle_allows_one_focus_revalidation_per_interval_from_mount() -> None:
    result = run_live([FocusSpec(throttle_s=5.0, active_only=True)], duration_s=100.0,
                      visibility=AlternatingSpec(Constant(2.2), Constant(1.1)))
    expected, next_allowed = [0.0], 0.0 + 5.0  # nextFocusRevalidatedAt starts at mount + 5 s
    for t, on in switches(result):
        if on and t > next_allowed:
            expected.append(round(t, 9))
            next_allowed = t + 5.0
    assert starts(result) == expected
    focuses = sum(on for _, on in switches(result))
    assert result.logs[LiveCounters]["focus_throttled"] == focuses - (len(expected) - 1)


def test_fresh_data_is_not_refetched_on_focus() -> None:
    # polling every second keeps the data younger than the 5 s staleTime
    result = run_live([PollingSpec(1.0, in_background=True), FocusSpec(stale_time_s=5.0)],
                      duration_s=50.0, visibility=AlternatingSpec(Constant(2.2), Constant(1.1)))
    assert starts(result) == [float(t) for t in range(50)]
    assert result.logs[LiveCounters]["focus_fresh"] == sum(
        on for _, on in switches(result))


def test_reconnect_refetches_and_swr_only_while_visible() -> None:
    network = AlternatingSpec(Constant(10.3), Constant(9.9))
    result = run_live([FocusSpec(on_focus=False)], duration_s=100.0, network=network)
    changes = switches(result, network=True)
    mounted_online = not changes[0][1]  # offline at mount: the mount fetch is not sent
    online = [round(t, 9) for t, on in changes if on]
    assert starts(result) == [0.0] * mounted_online + online
    hidden = AlternatingSpec(Constant(1e-9), Constant(1e9))  # shown for an instant, then hidden
    quiet = run_live([FocusSpec(on_focus=False, active_only=True)], duration_s=100.0,
                     network=network, visibility=hidden)
    assert len(starts(quiet)) <= 1  # the mount fetch only (none if mounted offline)
