"""Prefetching: the acceptance cases exactly, presets, keeping policies, press and route."""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import pytest

from asyncsim.scenarios.items.behaviours.prefetch import PrefetchConfig
from asyncsim.sim import (
    BackendSpec,
    Outcome,
    Simulation,
    SimulationSpec,
    Source,
    Status,
    StrategySpec,
)
from asyncsim.sim.distributions import Constant
from asyncsim.sim.layers.base import BuildContext, Call
from asyncsim.sim.request import Request
from asyncsim.sim.workload.compose import compose
from asyncsim.sim.workload.keys import KeySpec
from asyncsim.sim.workload.load.models import ClosedLoad
from asyncsim.sim.workload.logs.columns import ClickLog, PrefetchLog
from asyncsim.sim.workload.units.navigation import Navigation, PrefetchSpec
from tests.helpers import run_yaml, value

NAVIGATION = """
version: 1
name: prefetch
seed: 9
duration: 600s
backends:
  pages: {{workers: 100, latency: {fetch}}}
workload:
  target: pages
  users: 20
  {load}
  keys: {{count: 50, zipf: 1.0}}
  navigation: {{hover_time: {hover}, click_probability: {p}{extra}}}
strategies:
{strategies}
"""


def navigation(p: float, strategies: str, hover: str = "1s", fetch: str = "100ms",
               load: str = "closed: {think_time: {exponential: 2s}}", extra: str = "") -> str:
    return NAVIGATION.format(p=p, strategies=strategies, hover=hover, fetch=fetch, load=load,
                             extra=extra)


def test_clicks_after_hovers_longer_than_delay_plus_fetch_wait_nothing_and_waste_nothing() -> None:
    output = run_yaml(navigation(1.0, "  lesson: [{prefetch: {preset: lesson}}]\n  none: []"))
    assert value(output, "lesson", "clicks") > 1000
    assert value(output, "lesson", "click_latency.max") == 0.0
    assert value(output, "lesson", "prefetch_waste") == 0.0
    assert value(output, "lesson", "prefetch_hit_rate") == 1.0
    assert value(output, "lesson", "prefetches") == value(output, "lesson", "clicks")
    assert value(output, "none", "click_latency.min") == pytest.approx(0.1, abs=1e-12)


def test_hovers_that_never_click_waste_every_prefetch_and_each_costs_one_backend_call() -> None:
    output = run_yaml(navigation(0.0, "  lesson: [{prefetch: {preset: lesson}}]",
                                 load="arrivals: {poisson: 5/s}"))
    prefetches = value(output, "lesson", "prefetches")
    assert prefetches > 500  # a link already prefetched by its client is not fetched again
    assert value(output, "lesson", "prefetch_waste") == 1.0
    assert value(output, "lesson", "prefetch_extra_calls") == prefetches
    assert value(output, "lesson", "backend_calls") == prefetches


@pytest.mark.parametrize(("preset", "delay_s", "keep", "ttl_s"), [
    ("solid-router", 0.020, "ttl", 5.0),      # docs/library-defaults.md §1.1, §1.12
    ("tanstack-router", 0.050, "ttl", 30.0),  # §1.12
    ("unpoly", 0.090, "cache", float("inf")),  # §1.12
    ("lesson", 0.200, "once", float("inf")),  # §1.12, the tutorial's knob
])
def test_presets_are_the_libraries_delays(preset: str, delay_s: float, keep: str,
                                          ttl_s: float) -> None:
    spec = PrefetchConfig.model_validate(preset).to_behaviour()
    assert spec == PrefetchSpec("hover", delay_s, keep, ttl_s)  # type: ignore[arg-type]


def test_a_hover_shorter_than_the_delay_prefetches_nothing() -> None:
    strategies = "\n".join(f"  {p}: [{{prefetch: {p}}}]"
                           for p in ("solid-router", "tanstack-router", "unpoly", "lesson"))
    output = run_yaml(navigation(0.0, strategies, hover="60ms", load="arrivals: {poisson: 5/s}"))
    assert value(output, "solid-router", "prefetches") > 2000  # 20 ms < 60 ms
    assert value(output, "tanstack-router", "prefetches") > 2000  # 50 ms < 60 ms
    assert value(output, "unpoly", "prefetches") == 0
    assert value(output, "lesson", "prefetches") == 0


def test_prefetched_data_past_its_ttl_is_not_used() -> None:
    strategies = ("  short: [{prefetch: {on: hover, delay: 200ms, keep: ttl, ttl: 500ms}}]\n"
                  "  long: [{prefetch: {on: hover, delay: 200ms, keep: ttl, ttl: 2s}}]")
    output = run_yaml(navigation(1.0, strategies).replace(  # no link hovered twice
        "keys: {count: 50, zipf: 1.0}", "keys: {count: 1000000}"))
    # ready at 300 ms, clicked at 1 s: expired after 800 ms, still good for 2.3 s
    assert value(output, "short", "click_latency.min") == pytest.approx(0.1, abs=1e-12)
    assert value(output, "short", "prefetch_hit_rate") == 0.0
    assert value(output, "short", "prefetch_waste") == 1.0
    assert value(output, "long", "click_latency.max") == 0.0
    assert value(output, "long", "prefetch_waste") == 0.0


@pytest.mark.parametrize(("fetch", "latency_s"), [("100ms", 0.0), ("300ms", 0.1)])
def test_press_prefetch_wins_the_lead_and_a_click_joins_a_prefetch_in_flight(
        fetch: str, latency_s: float) -> None:
    output = run_yaml(navigation(0.5, "  press: [{prefetch: {on: press}}]", fetch=fetch,
                                 extra=", press_lead: 200ms"))
    assert value(output, "press", "click_latency.min") == pytest.approx(latency_s, abs=1e-12)
    assert value(output, "press", "click_latency.max") == pytest.approx(latency_s, abs=1e-12)
    assert value(output, "press", "prefetch_waste") == 0.0  # only links that get clicked
    assert value(output, "press", "prefetch_hit_rate") == 1.0


def test_route_prefetch_of_the_other_page_serves_every_click_that_changes_page() -> None:
    text = navigation(1.0, "  route: [{prefetch: {on: route, count: 1}}]").replace(
        "keys: {count: 50, zipf: 1.0}", "keys: {count: 2}")
    output = run_yaml(text)
    hit_rate = value(output, "route", "prefetch_hit_rate")
    clicks = value(output, "route", "clicks")
    assert abs(hit_rate - 0.5) < 4 * (0.25 / clicks) ** 0.5
    # a click waits 0 (prefetched) or one fetch of 100 ms, nothing in between
    assert value(output, "route", "click_latency.avg") == pytest.approx(0.1 * (1 - hit_rate))


@dataclass(frozen=True)
class KeepForeverSpec:
    """A test cache: every key fetched once is a fresh hit forever after."""

    kind: str = "keep-forever"
    scope: str = "client"

    def build(self, ctx: BuildContext, next_call: Call) -> KeepForever:
        return KeepForever(next_call)


class KeepForever:
    def __init__(self, next_call: Call) -> None:
        self.next = next_call
        self.keys: set[int] = set()
        self.counters: Counter[str] = Counter()

    def call(self, request: Request) -> Generator[Any, Any, Outcome]:
        if request.key in self.keys:
            return Outcome(Status.OK, Source.FRESH_HIT, 0, 0)
        outcome: Outcome = yield from self.next(request)
        self.keys.add(request.key)
        return outcome


def test_keep_cache_leaves_prefetched_data_to_the_cache_layer() -> None:
    workload = compose(ClosedLoad(10, Constant(1.0)),
                       Navigation("pages", Constant(1.0), 1.0, KeySpec(10_000)))
    spec = SimulationSpec(seed=2, duration_s=300.0, warmup_s=0.0,
                          backends=(BackendSpec("pages", 50, Constant(0.1)),), workload=workload)
    prefetch = PrefetchSpec("hover", 0.2, "cache")
    cached = Simulation(spec, StrategySpec("c", (KeepForeverSpec(),),  # type: ignore[arg-type]
                                           (prefetch,)), 0).run()
    uncached = Simulation(spec, StrategySpec("u", (), (prefetch,)), 0).run()
    clicks = cached.logs[ClickLog].columns()
    assert set(clicks["latency_s"]) == {0.0} and set(clicks["prefetched"]) == {3}
    assert cached.logs[PrefetchLog].columns()["used"].all()
    # without a cache the prefetch is only extra load: the click fetches again
    uncached_clicks = uncached.logs[ClickLog].columns()
    assert set(uncached_clicks["prefetched"]) == {0}
    assert uncached.backends["pages"].calls == 2 * len(uncached_clicks["latency_s"])


def test_the_reports_click_and_prefetch_counts_are_the_metrics_rows() -> None:
    from asyncsim.reports.render.report_data import combine_runs

    output = run_yaml(navigation(0.3, "  lesson: [{prefetch: {preset: lesson}}]"))
    counts = combine_runs(output.runs)["lesson"].distributions
    clicks, unused_used = counts["click_sources"], counts["prefetch_use"]
    assert len(clicks) == 4 and len(unused_used) == 2
    assert sum(clicks) == value(output, "lesson", "clicks")
    assert sum(clicks[1:]) / sum(clicks) == pytest.approx(
        value(output, "lesson", "prefetch_hit_rate"), rel=1e-12)
    assert unused_used[0] / sum(unused_used) == pytest.approx(
        value(output, "lesson", "prefetch_waste"), rel=1e-12)
