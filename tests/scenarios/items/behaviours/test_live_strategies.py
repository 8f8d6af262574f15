"""What live strategies cost and buy, from scenarios: smart polling against interval polling,
optimistic against pessimistic changes. Expected values come from closed forms written here,
never from the code under test."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

from asyncsim.reports.reduction import reduce_run
from asyncsim.scenarios.build import simulation_spec, strategy_specs
from asyncsim.sim.simulation import RunResult, Simulation
from asyncsim.sim.workload.logs.live import ChangeLog, DisplayLog
from tests.helpers import scenario_from_yaml

P_S, VISIBLE_S, CHANGE_RATE = 20.0, 120.0, 0.025
USERS, WINDOW_S = 300, 4000.0

POLLING = f"""
version: 1
name: smart-polling
seed: 6
duration: {400 + WINDOW_S:g}s
warmup: 400s
backends:
  api:
    workers: {USERS}
    latency: 0s
    data: {{change_rate: {CHANGE_RATE:g}/s}}
workload:
  target: api
  users: {USERS}
  keys: {{count: {USERS}}}
  live:
    key_assignment: round_robin
    visibility: {{visible: {{exponential: {VISIBLE_S:g}s}}, hidden: {{exponential: HIDDENs}}}}
strategies:
  interval: [polling: {{interval: {P_S:g}s, in_background: true}}]
  smart: [polling: {{interval: {P_S:g}s, smart: true}}]
"""


def run_all(text: str) -> dict[str, tuple[RunResult, dict[str, float]]]:
    scenario = scenario_from_yaml(text)
    spec = simulation_spec(scenario)
    runs = {}
    for strategy in strategy_specs(scenario):
        result = Simulation(spec, strategy, 0).run()
        runs[strategy.name] = (result, reduce_run(result).values)
    return runs


def per_user_staleness(result: RunResult) -> np.ndarray:
    displays = result.logs[DisplayLog].columns()
    order = np.argsort(displays["client"])
    share: np.ndarray = (displays["stale_s"] / displays["visible_s"])[order]
    return share


@pytest.mark.parametrize("hidden_s", [120.0, 360.0])
def test_smart_polling_saves_requests_in_proportion_to_hidden_time(hidden_s: float) -> None:
    runs = run_all(POLLING.replace("HIDDEN", f"{hidden_s:g}"))
    interval, interval_values = runs["interval"]
    smart, smart_values = runs["smart"]
    # interval polling: 1/P per second, visible or not
    assert interval_values["requests_per_user_hour"] == pytest.approx(3600 / P_S, rel=0.002)
    # smart: a fetch when the tab is shown, then one per P while it stays visible. Per
    # visible period V ~ Exp(mean VISIBLE_S): X = 1 + floor(V/P), E[X] = 1/(1 − q), q = e^{−P/V}
    # and Var X = q/(1 − q)². Per second: E[X]/(E[V] + E[H]), so the requests left are in
    # proportion to the visible time (E[X]·P ≈ E[V] + P/2 for P << E[V]).
    q = math.exp(-P_S / VISIBLE_S)
    mean_x, var_x = 1.0 / (1.0 - q), q / (1.0 - q) ** 2
    cycle_s = VISIBLE_S + hidden_s
    expected_share = mean_x * P_S / cycle_s
    ratio = smart_values["requests_per_user_hour"] / interval_values["requests_per_user_hour"]
    periods = USERS * WINDOW_S / cycle_s
    # renewal-reward: the total count's variance per period, X and the cycle length varying
    cycle_scv = (VISIBLE_S ** 2 + hidden_s ** 2) / cycle_s ** 2
    se = math.sqrt(var_x + mean_x ** 2 * cycle_scv) / mean_x / math.sqrt(periods)
    assert abs(ratio / expected_share - 1) <= 4 * se, (ratio, expected_share)
    visible_share = VISIBLE_S / cycle_s
    assert smart_values["visible_share"] == pytest.approx(visible_share, rel=0.05)
    # at the same visible staleness: paired per-user differences (same tabs, same changes)
    diff = per_user_staleness(smart) - per_user_staleness(interval)
    level = interval_values["visible_staleness"]
    se_diff = diff.std(ddof=1) / math.sqrt(len(diff))
    # smart polling restarts its timer on focus, so its last cycle of each visible period is
    # cut short: a little fresher, never staler
    assert diff.mean() <= 4 * se_diff
    assert abs(diff.mean()) <= 0.05 * level + 4 * se_diff, (diff.mean(), level)


WRITES = """
version: 1
name: changes
seed: 8
duration: 1100s
warmup: 100s
backends:
  api:
    workers: 1000
    latency: {exponential: 50ms}
  writes:
    workers: 1000
    latency: {lognormal: {median: 120ms, p99: 900ms}}
    errors: {rate: 0.2}
workload:
  target: api
  users: 100
  keys: {count: 20}
  live: {mutations: {rate: 6/min, target: writes}}
strategies:
  optimistic: [mutation: {mode: optimistic_rollback}]
  pessimistic: [mutation: {mode: pessimistic}]
"""


def test_optimistic_rollback_rate_is_the_failure_rate_and_nothing_waits() -> None:
    runs = run_all(WRITES)
    result, values = runs["optimistic"]
    changes = result.logs[ChangeLog].columns()
    n = int((changes["t_start_s"] >= 100.0).sum())
    assert n > 8000
    p = 0.2
    assert abs(values["rollback_rate"] - p) <= 4 * math.sqrt(p * (1 - p) / n)
    assert values["perceived_latency.max"] == 0.0
    assert values["unconfirmed_time.med"] > 0.0


def test_pessimistic_perceived_latency_is_the_server_write_latency() -> None:
    runs = run_all(WRITES.replace("errors: {rate: 0.2}", "errors: {rate: 0.0}"))
    result, values = runs["pessimistic"]
    changes = result.logs[ChangeLog].columns()
    n = int((changes["t_start_s"] >= 100.0).sum())
    median, p99 = 0.120, 0.900
    sigma = math.log(p99 / median) / NormalDist().inv_cdf(0.99)
    for p, key in [(0.5, "med"), (0.9, "p(90)"), (0.95, "p(95)"), (0.99, "p(99)")]:
        z = NormalDist().inv_cdf(p)
        quantile = median * math.exp(sigma * z)
        density = math.exp(-z * z / 2) / (quantile * sigma * math.sqrt(2 * math.pi))
        se = math.sqrt(p * (1 - p) / n) / density  # of a sample quantile
        assert abs(values[f"perceived_latency.{key}"] - quantile) <= 4 * se, key
    assert values["rollback_rate"] != values["rollback_rate"]  # NaN: nothing optimistic
