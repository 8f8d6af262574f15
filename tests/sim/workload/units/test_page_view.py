"""Page views: the lesson's timelines to the millisecond, boundaries, failures, cache hits.

Deterministic latencies (``latency: 2s`` is a constant) and spaced-out views (one every
10 s, workers to spare) make every view identical, so the expected times are the lesson's
arithmetic, written here by hand.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncsim.scenarios.build import simulation_spec, strategy_specs
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
from asyncsim.sim.workload.context import Workload
from asyncsim.sim.workload.load.arrivals import ArrivalSpec
from asyncsim.sim.workload.load.models import ClosedLoad, OpenLoad
from asyncsim.sim.workload.logs.columns import ViewLog
from asyncsim.sim.workload.units.page_view import PageLoadSpec, PagePlan, PageView, Resource
from tests.helpers import run_yaml, scenario_from_yaml, value

DASHBOARD = """
version: 1
name: dashboard
duration: 100s
backends:
  users: {workers: 10, latency: 2s}
  posts: {workers: 10, latency: 1s}
workload:
  arrivals: {constant: 1/10s}
  pages:
    resources:
      user: {backend: users}
      posts: {backend: posts}
strategies:
  sequential: [{page_load: sequential}]
  parallel: [{page_load: parallel}]
  boundaries:
    - page_load: {mode: parallel, boundaries: {header: [user], main: [posts]}}
"""

WATERFALL = """
version: 1
name: waterfall
duration: 100s
backends:
  config: {workers: 10, latency: 1s}
  a: {workers: 10, latency: 2s}
  b: {workers: 10, latency: 2s}
  c: {workers: 10, latency: 2s}
workload:
  arrivals: {constant: 1/10s}
  pages:
    resources:
      config: {backend: config, key: global}
      a: {backend: a, after: [config]}
      b: {backend: b, after: [config]}
      c: {backend: c, after: [config]}
strategies:
  parallel: [{page_load: parallel}]
  declared: [{page_load: declared}]
  chained: [{page_load: sequential}]
"""


def every_view(output: Any, strategy: str, metric: str) -> tuple[float, float]:
    """(min, max) of a trend over every view: equal when every view took the same time."""
    return value(output, strategy, f"{metric}.min"), value(output, strategy, f"{metric}.max")


def test_dashboard_takes_3s_sequential_and_2s_parallel() -> None:
    output = run_yaml(DASHBOARD)
    assert every_view(output, "sequential", "ttac") == (3.0, 3.0)
    assert every_view(output, "parallel", "ttac") == (2.0, 2.0)
    assert value(output, "parallel", "views") == 9  # at 10 s, 20 s, ..., 90 s
    assert value(output, "parallel", "requests_per_view") == 2


def test_two_boundaries_show_posts_after_1s_and_the_user_after_2s() -> None:
    output = run_yaml(DASHBOARD)
    assert value(output, "boundaries", "boundary_reveal{boundary:main}.avg") == 1.0
    assert value(output, "boundaries", "boundary_reveal{boundary:header}.avg") == 2.0
    assert every_view(output, "boundaries", "ttfc") == (1.0, 1.0)
    assert every_view(output, "boundaries", "ttac") == (2.0, 2.0)
    # one boundary (the root) shows nothing until everything is there
    assert every_view(output, "parallel", "ttfc") == (2.0, 2.0)


def test_waterfall_takes_3s_when_a_b_c_run_in_parallel_and_7s_when_chained() -> None:
    output = run_yaml(WATERFALL)
    assert every_view(output, "parallel", "ttac") == (3.0, 3.0)
    assert every_view(output, "declared", "ttac") == (3.0, 3.0)
    assert every_view(output, "chained", "ttac") == (7.0, 7.0)


def test_a_chain_of_declared_dependencies_is_a_waterfall_too() -> None:
    chain = WATERFALL.replace("b: {backend: b, after: [config]}", "b: {backend: b, after: [a]}") \
                     .replace("c: {backend: c, after: [config]}", "c: {backend: c, after: [b]}")
    output = run_yaml(chain)
    assert every_view(output, "declared", "ttac") == (7.0, 7.0)
    assert every_view(output, "parallel", "ttac") == (7.0, 7.0)


def test_parallel_waits_for_the_whole_tier_while_declared_does_not() -> None:
    """a (1 s) -> b (1 s), c (3 s) alone: Promise.all on {a, c} holds b back until 3 s."""
    text = """
    version: 1
    name: tiers
    duration: 100s
    backends:
      a: {workers: 10, latency: 1s}
      b: {workers: 10, latency: 1s}
      c: {workers: 10, latency: 3s}
    workload:
      arrivals: {constant: 1/10s}
      pages:
        resources:
          a: {backend: a}
          b: {backend: b, after: [a]}
          c: {backend: c}
        boundaries: {b: [b], c: [c]}
    strategies:
      parallel: [{page_load: parallel}]
      declared: [{page_load: declared}]
      sequential: [{page_load: sequential}]
    """
    output = run_yaml(text)
    assert value(output, "declared", "boundary_reveal{boundary:b}.avg") == 2.0
    assert value(output, "parallel", "boundary_reveal{boundary:b}.avg") == 4.0
    assert value(output, "declared", "ttac.max") == 3.0
    assert value(output, "parallel", "ttac.max") == 4.0
    assert value(output, "sequential", "ttac.max") == 5.0
    # a, b, c in declaration order: b shows at 2 s, c at 5 s
    assert value(output, "sequential", "boundary_reveal{boundary:b}.avg") == 2.0


def _run(workload: Workload, backends: tuple[BackendSpec, ...],
         strategy: StrategySpec | None = None, duration_s: float = 100.0) -> Any:
    spec = SimulationSpec(seed=5, duration_s=duration_s, warmup_s=0.0, backends=backends,
                          workload=workload)
    return Simulation(spec, strategy or StrategySpec("s"), 0).run()


def test_a_failed_parent_means_its_children_are_never_requested() -> None:
    backends = (BackendSpec("users", 10, Constant(0.5), error_rate=1.0),
                BackendSpec("posts", 10, Constant(1.0)), BackendSpec("other", 10, Constant(0.2)))
    resources = (Resource("user", "users"), Resource("posts", "posts", ("user",)),
                 Resource("other", "other"))
    result = _run(compose(OpenLoad(ArrivalSpec(0.1, "constant")), PageView(resources)), backends)
    views = result.logs[ViewLog].columns()
    assert set(views["failed"]) == {2}
    assert set(views["requests"]) == {2}
    assert set(views["ttac_s"]) == {0.5}
    assert result.backends["posts"].calls == 0


@dataclass(frozen=True)
class AlwaysHitSpec:
    """A test layer answering every request at once, as a warm cache would."""

    kind: str = "always-hit"
    scope: str = "shared"

    def build(self, ctx: BuildContext, next_call: Call) -> AlwaysHit:
        return AlwaysHit()


class AlwaysHit:
    def __init__(self) -> None:
        self.counters: Counter[str] = Counter()

    def call(self, request: Request) -> Generator[Any, Any, Outcome]:
        return self._hit()

    @staticmethod
    def _hit() -> Generator[Any, Any, Outcome]:
        return Outcome(Status.OK, Source.FRESH_HIT, 0, 0)
        yield  # a generator that never waits


@pytest.mark.parametrize("mode", ["parallel", "declared", "sequential"])
def test_a_view_served_from_cache_costs_no_simpy_event(mode: str) -> None:
    backends = (BackendSpec("api", 1, Constant(1.0)),)
    resources = (Resource("a", "api"), Resource("b", "api", ("a",)), Resource("c", "api", ("b",)),
                 Resource("d", "api"))
    quiet = _run(compose(OpenLoad(ArrivalSpec(1.0, "constant")), PageView(resources, mode=mode)),
                 backends, StrategySpec("nothing", (), (PageLoadSpec(),)))
    cached = _run(compose(OpenLoad(ArrivalSpec(1.0, "constant")), PageView(resources, mode=mode)),
                  backends, StrategySpec("hit", (AlwaysHitSpec(),)))  # type: ignore[arg-type]
    views = cached.logs[ViewLog].columns()
    assert len(views["ttac_s"]) == 99 and set(views["ttac_s"]) == {0.0}
    assert set(views["requests"]) == {4} and set(views["attempts"]) == {0}
    assert cached.backends["api"].calls == 0
    # the run's events are the arrivals and the report sampler, none per request; each
    # request that reaches the backend costs at least one (its end)
    assert len(quiet.requests["t_start_s"]) == 4 * 99
    assert cached.events <= quiet.events - 4 * 99


def test_closed_users_wait_for_their_view_before_thinking_again() -> None:
    backends = (BackendSpec("users", 10, Constant(2.0)), BackendSpec("posts", 10, Constant(1.0)))
    resources = (Resource("user", "users"), Resource("posts", "posts"))
    workload = compose(ClosedLoad(1, Constant(1.0)), PageView(resources, mode="parallel"))
    views = _run(workload, backends, duration_s=30.0).logs[ViewLog].columns()
    assert list(views["t_start_s"]) == [1.0, 4.0, 7.0, 10.0, 13.0, 16.0, 19.0, 22.0, 25.0, 28.0]


def test_keys_follow_the_resource_key_scope() -> None:
    text = """
    version: 1
    name: keys
    duration: 50s
    backends:
      api: {workers: 10, latency: 10ms}
    workload:
      users: 7
      arrivals: {poisson: 2/s}
      keys: {count: 100}
      pages:
        resources:
          config: {backend: api, key: global}
          me: {backend: api, key: client}
          profile: {backend: api}
    """
    scenario = scenario_from_yaml(text)
    result = Simulation(simulation_spec(scenario), strategy_specs(scenario)[0], 0).run()
    keys, clients = result.requests["key"], result.requests["client"]
    resource = keys % 3
    assert set(keys[resource == 0]) == {0}
    np.testing.assert_array_equal(keys[resource == 1] // 3, clients[resource == 1])
    pages = result.logs[ViewLog].columns()["page"]
    assert sorted(keys[resource == 2] // 3) == sorted(pages)


def test_a_plan_rejects_cycles_and_unknown_names() -> None:
    with pytest.raises(ValueError, match="cycle"):
        PagePlan((Resource("a", "x", ("b",)), Resource("b", "x", ("a",))), ())
    with pytest.raises(ValueError, match="not a resource"):
        PagePlan((Resource("a", "x", ("z",)),), ())
    with pytest.raises(ValueError, match="not a resource"):
        PagePlan((Resource("a", "x"),), (("main", ("z",)),))


@st.composite
def pages(draw: st.DrawFn) -> tuple[list[float], list[list[int]]]:
    """Latencies in eighths of a second (sums exact in binary) and a random DAG."""
    n = draw(st.integers(1, 6))
    latencies = [draw(st.integers(1, 9)) / 8 for _ in range(n)]
    parents = [sorted(draw(st.sets(st.integers(0, i - 1), max_size=i))) if i else []
               for i in range(n)]
    return latencies, parents


@settings(max_examples=40, deadline=None)
@given(pages())
def test_view_times_are_the_critical_path_the_tier_sum_and_the_total(
        page: tuple[list[float], list[list[int]]]) -> None:
    latencies, parents = page
    n = len(latencies)
    finish: list[float] = []
    for i in range(n):  # declared: longest path
        finish.append(max((finish[p] for p in parents[i]), default=0.0) + latencies[i])
    depth: list[int] = []
    for i in range(n):
        depth.append(max((depth[p] + 1 for p in parents[i]), default=0))
    tiers = sum(max(latencies[i] for i in range(n) if depth[i] == t) for t in range(max(depth) + 1))
    expected = {"declared": max(finish), "parallel": tiers, "sequential": sum(latencies)}
    backends = tuple(BackendSpec(f"b{i}", 4, Constant(latencies[i])) for i in range(n))
    resources = tuple(Resource(f"r{i}", f"b{i}", tuple(f"r{p}" for p in parents[i]))
                      for i in range(n))
    for mode, total in expected.items():
        workload = compose(OpenLoad(ArrivalSpec(1 / 20, "constant")),
                           PageView(resources, mode=mode))
        ttac = _run(workload, backends, duration_s=60.0).logs[ViewLog].columns()["ttac_s"]
        assert len(ttac) == 2
        np.testing.assert_allclose(ttac, total, rtol=0, atol=1e-9, err_msg=mode)


def _typical(output: Any, strategy: str) -> Any:
    from asyncsim.reports.render.report_data import combine_runs

    return combine_runs(output.runs)[strategy].typical_view


def test_the_waterfall_of_a_typical_view_is_the_lessons_timeline() -> None:
    """Config 1 s, then a, b, c at 2 s each: side by side from 1 s to 3 s, or one after
    another until 7 s; each boundary shows when its resource settled (by hand)."""
    output = run_yaml(WATERFALL.replace(
        "      c: {backend: c, after: [config]}\n",
        "      c: {backend: c, after: [config]}\n    boundaries: {a: [a], b: [b], c: [c]}\n"))
    chained = _typical(output, "chained")
    assert chained.resources == ("config", "a", "b", "c")
    assert chained.started_s == (0.0, 1.0, 3.0, 5.0)
    assert chained.settled_s == (1.0, 3.0, 5.0, 7.0)
    assert dict(zip(chained.boundaries, chained.reveal_s, strict=True)) == {
        "a": 3.0, "b": 5.0, "c": 7.0, "page": 1.0}
    assert chained.ttac_s == 7.0
    parallel = _typical(output, "parallel")
    assert parallel.started_s == (0.0, 1.0, 1.0, 1.0)
    assert parallel.settled_s == (1.0, 3.0, 3.0, 3.0)


def test_a_resource_never_requested_has_no_bar_in_the_waterfall() -> None:
    backends = (BackendSpec("users", 10, Constant(0.5), error_rate=1.0),
                BackendSpec("posts", 10, Constant(1.0)))
    resources = (Resource("user", "users"), Resource("posts", "posts", ("user",)))
    result = _run(compose(OpenLoad(ArrivalSpec(0.1, "constant")), PageView(resources)), backends)
    started, settled = result.logs[ViewLog].timings()
    assert started.shape == (len(result.logs[ViewLog]), 2)
    assert set(started[:, 0]) == {0.0} and set(settled[:, 0]) == {0.5}
    assert np.isnan(started[:, 1]).all() and np.isnan(settled[:, 1]).all()
