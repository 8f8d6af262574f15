"""Polling and push staleness against docs/validation.md case 10.

Source: each key changes at Poisson(u); a view polls it every P (or gets every change
pushed after δ); the observer looks at a uniformly random (visible) time. The simulation
measures exact time integrals per view, so each view's figures are averages over its whole
window, and views are independent (one key each, a backend with no queueing): the standard
error comes from the spread across views.

Run length (case 10): per-interval stale fractions have sd 0.320, so ±1 % at 95 % needs
8.7·10⁴ polling intervals. Here 300 views x 1000 s / 5 s = 6·10⁴ intervals: SE ≈ 0.6 %,
and the assertion is |sim − theory| ≤ 4·SE.
"""

from __future__ import annotations

import math

from asyncsim.reports.reduction import reduce_run
from asyncsim.scenarios.build import simulation_spec, strategy_specs
from asyncsim.sim.simulation import RunResult, Simulation
from asyncsim.sim.workload.logs.live import DisplayLog
from tests.helpers import scenario_from_yaml
from tests.validation import theory as th

U, P, DELTA = 0.1, 5.0, 0.2
VIEWS, WINDOW_S = 300, 1000.0

SCENARIO = f"""
version: 1
name: case-10
seed: 10
duration: {50 + WINDOW_S:g}s
warmup: 50s
backends:
  api:
    workers: {VIEWS}
    latency: {{LATENCY}}
    data: {{change_rate: {U:g}/s}}
workload:
  target: api
  users: {VIEWS}
  keys: {{count: {VIEWS}}}
  live: {{key_assignment: round_robin}}
strategies:
  s: [{{STRATEGY}}]
"""


def run(strategy: str, latency: str = "0s") -> tuple[RunResult, dict[str, float]]:
    """One run of the scenario with one strategy item; the result and its metric values."""
    text = SCENARIO.replace("{LATENCY}", latency).replace("{STRATEGY}", strategy)
    scenario = scenario_from_yaml(text)
    (strategy_spec,) = strategy_specs(scenario)
    result = Simulation(simulation_spec(scenario), strategy_spec, 0).run()
    return result, reduce_run(result).values


def per_view(result: RunResult, column: str) -> tuple[float, float]:
    """Mean over views of ``column`` per visible second, and its standard error."""
    displays = result.logs[DisplayLog].columns()
    assert len(displays["client"]) == VIEWS
    # always visible; data from the first answer on (a view opened at the end of the warm-up
    # gets it up to one latency into the window)
    assert (displays["visible_s"] > WINDOW_S - 2.0).all()
    values = displays[column] / displays["visible_s"]
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(len(values)))


def unseen(result: RunResult) -> tuple[float, float]:
    """Share of versions never shown (a ratio over views) and its SE (ratio estimator)."""
    displays = result.logs[DisplayLog].columns()
    ended = displays["versions"].astype(float)
    missed = ended - displays["versions_seen"]
    share = missed.sum() / ended.sum()
    residual = missed - share * ended
    n = len(ended)
    return float(share), float(math.sqrt(n / (n - 1) * (residual ** 2).sum()) / ended.sum())


def test_polling_staleness_matches_case_10() -> None:
    result, values = run(f"polling: {P:g}s")
    checks = {
        "stale_s": ("P(stale)", th.poll_p_stale(U, P), "visible_staleness"),
        "age_area": ("mean age", th.poll_mean_age(U, P), "display_age"),  # exact: SE ~ 0
        "stale_age_area": ("mean staleness", th.poll_mean_staleness(U, P),
                           "visible_stale_age"),
        "behind_area": ("versions behind", th.poll_versions_behind(U, P), "versions_behind"),
    }
    for column, (label, theory, metric) in checks.items():
        mean, se = per_view(result, column)
        th.assert_close_4se(mean, se, theory, label, abs_tol=1e-9)
        assert math.isclose(values[metric], mean, rel_tol=1e-9), metric  # the registry
    share, se = unseen(result)
    th.assert_close_4se(share, se, th.poll_fraction_versions_missed(U, P), "versions never shown")
    assert math.isclose(values["versions_unseen"], share, rel_tol=1e-9)
    # backend cost: 1/P polls per second per view
    assert math.isclose(values["requests_per_user_hour"], 3600.0 / P, rel_tol=0.002)


def test_after_completion_polling_cycles_every_interval_plus_latency() -> None:
    # SWR semantics: the next poll is P after the previous one completed, and the snapshot is
    # read when the server answers: displays are P + L apart, each fresh when shown (δ = 0)
    latency = 1.0
    result, _ = run(f"polling: {{interval: {P:g}s, mode: after_completion}}", f"{latency:g}s")
    mean, se = per_view(result, "stale_s")
    th.assert_close_4se(mean, se, th.poll_p_stale(U, P + latency), "P(stale), period P + L")
    mean, se = per_view(result, "age_area")
    th.assert_close_4se(mean, se, th.poll_mean_age(U, P + latency), "mean age, period P + L")


def test_push_with_delivery_delay_matches_case_10() -> None:
    result, values = run(f"push: {{delay: {DELTA:g}s}}")
    mean, se = per_view(result, "stale_s")
    th.assert_close_4se(mean, se, th.push_p_stale(U, DELTA), "push P(stale)")
    assert math.isclose(values["visible_staleness"], mean, rel_tol=1e-9)
    mean, se = per_view(result, "behind_area")
    th.assert_close_4se(mean, se, th.push_versions_behind(U, DELTA), "push versions behind")
    mean, se = per_view(result, "stale_age_area")
    th.assert_close_4se(mean, se, th.push_mean_staleness(U, DELTA), "push mean staleness")
    # every change is delivered: u pushes per second per view, and no polling
    assert math.isclose(values["pushes_per_user_hour"], 3600.0 * U, rel_tol=0.03)
    assert values["requests_per_user_hour"] == 0.0  # the mount fetch was in the warm-up
