"""Live presets: each one's values as docs/library-defaults.md documents them, and the documented
behaviour shown by a run (SWR polling stays quiet after an error until a focus)."""

from __future__ import annotations

import numpy as np

from asyncsim.scenarios.build import simulation_spec, strategy_specs
from asyncsim.sim.outcome import Status
from asyncsim.sim.simulation import RunResult, Simulation
from asyncsim.sim.workload.focus import FocusSpec
from asyncsim.sim.workload.logs.live import SwitchLog
from asyncsim.sim.workload.mutations import MutationModeSpec
from asyncsim.sim.workload.polling import PollingSpec
from tests.helpers import scenario_from_yaml

BASE = """
version: 1
name: presets
seed: 4
duration: 40m
warmup: 1m
backends:
  api:
    workers: 100
    latency: {exponential: 50ms}
    errors: {rate: 0.1}
    data: {change_rate: 1/min}
workload:
  target: api
  users: 40
  keys: {count: 40}
  live:
    key_assignment: round_robin
    visibility: {visible: {exponential: 2m}, hidden: {exponential: 1m}}
    mutations: {rate: 1/min}
strategies:
  tanstack-query-v5:
    - polling: {preset: tanstack-query-v5, interval: 5s}
    - focus: {preset: tanstack-query-v5}
    - mutation: {preset: tanstack-query-v5}
  swr-2:
    - polling: {preset: swr-2, interval: 5s}
    - focus: {preset: swr-2}
    - mutation: {preset: swr-2}
"""


def behaviours(name: str) -> dict[type, object]:
    specs = {s.name: s for s in strategy_specs(scenario_from_yaml(BASE))}
    return {type(b): b for b in specs[name].behaviours}


def test_tanstack_query_v5_values() -> None:
    found = behaviours("tanstack-query-v5")
    # §1.2: fixed-rate setInterval, only when focused (refetchIntervalInBackground false)
    assert found[PollingSpec] == PollingSpec(5.0, "fixed_rate", in_background=False,
                                             smart=False, skip_on_error=False)
    # §1.2: refetch on focus and reconnect if stale (staleTime 0), no throttle
    assert found[FocusSpec] == FocusSpec(on_focus=True, on_reconnect=True, throttle_s=0.0,
                                         stale_time_s=0.0, active_only=False)
    # §1.2 optimistic recipe: cancelQueries, snapshot, restore on error, invalidate on settle
    assert found[MutationModeSpec] == MutationModeSpec("optimistic_rollback", populate=False,
                                                       refetch_after=True, race_guard="cancel")


def test_swr_2_values() -> None:
    found = behaviours("swr-2")
    # §1.3: after-completion chaining, skipped while hidden, offline or errored
    assert found[PollingSpec] == PollingSpec(5.0, "after_completion", in_background=False,
                                             smart=False, skip_on_error=True)
    # §1.3: focusThrottleInterval 5000 per hook, only when active
    assert found[FocusSpec] == FocusSpec(on_focus=True, on_reconnect=True, throttle_s=5.0,
                                         stale_time_s=0.0, active_only=True)
    # §1.3: rollbackOnError, populateCache, revalidate; overlapping revalidations discarded
    assert found[MutationModeSpec] == MutationModeSpec("optimistic_rollback", populate=True,
                                                       refetch_after=True, race_guard="discard")


def test_a_field_next_to_a_preset_overrides_it() -> None:
    text = BASE.replace("polling: {preset: swr-2, interval: 5s}",
                        "polling: {preset: swr-2, interval: 5s, in_background: true}")
    specs = {s.name: s for s in strategy_specs(scenario_from_yaml(text))}
    (polling,) = [b for b in specs["swr-2"].behaviours if isinstance(b, PollingSpec)]
    assert polling.in_background and polling.skip_on_error and polling.mode == "after_completion"


def _run(strategy: str) -> RunResult:
    text = "\n".join(line for line in BASE.splitlines()
                     if "mutation" not in line)  # no writes: every fetch is a poll or focus
    scenario = scenario_from_yaml(text)
    specs = {s.name: s for s in strategy_specs(scenario)}
    return Simulation(simulation_spec(scenario), specs[strategy], 0).run()


def _after_errors(result: RunResult) -> tuple[int, int, int]:
    """For each failed fetch: is the client's next fetch at one of its focus instants?

    Returns (errors followed by a fetch, of which at a focus, of which within one interval).
    """
    requests = result.requests
    switches = result.logs[SwitchLog].columns()
    followed = at_focus = soon = 0
    for client in np.unique(requests["client"]):
        mine = requests["client"] == client
        order = np.argsort(requests["t_start_s"][mine], kind="stable")
        starts = requests["t_start_s"][mine][order]
        ends = starts + requests["latency_s"][mine][order]
        failed = requests["status"][mine][order] != Status.OK
        focus = set(switches["t_s"][(switches["client"] == client) & (switches["network"] == 0)
                                    & (switches["on"] == 1)].tolist())
        for index in np.flatnonzero(failed[:-1]):
            later = starts > ends[index]
            if not later.any():
                continue
            following = starts[np.argmax(later)]
            followed += 1
            at_focus += following in focus
            soon += following - ends[index] <= 5.0 + 1e-9
    return followed, at_focus, soon


def test_swr_polling_quietly_stops_after_one_error_until_the_next_focus() -> None:
    # §5.6 (vercel/swr#830): refreshInterval skips ticks while the cache holds an error; only
    # a focus revalidation (or a reconnect) fetches again
    followed, at_focus, _ = _after_errors(_run("swr-2"))
    assert followed > 100
    assert at_focus == followed


def test_tanstack_polling_keeps_going_after_an_error() -> None:
    followed, at_focus, soon = _after_errors(_run("tanstack-query-v5"))
    assert followed > 100
    assert at_focus < 0.2 * followed  # the next tick fetches, whatever the last fetch did
    assert soon > 0.6 * followed  # within one interval (the tab may be hidden meanwhile)
