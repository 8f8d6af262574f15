"""The layer mechanism: scopes, counters, and that an immediate answer costs no event."""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from asyncsim.sim import BackendSpec, Simulation, SimulationSpec, StrategySpec
from asyncsim.sim.distributions import Constant
from asyncsim.sim.layers.base import BuildContext, Call, Scope
from asyncsim.sim.outcome import Outcome, Source, Status
from asyncsim.sim.request import Request
from asyncsim.sim.workload.compose import compose
from asyncsim.sim.workload.load.arrivals import ArrivalSpec
from asyncsim.sim.workload.load.models import OpenLoad
from asyncsim.sim.workload.units.request import PlainRequest

BUILT: list[int] = []


@dataclass(frozen=True)
class AnswerEvenKeys:
    """A toy layer: answers even keys itself at once, passes odd keys down."""

    scope: Scope
    kind: str = "toy"

    def build(self, ctx: BuildContext, next_call: Call) -> ToyLayer:
        BUILT.append(ctx.position)
        return ToyLayer(next_call)


class ToyLayer:
    def __init__(self, next_call: Call) -> None:
        self.next = next_call
        self.counters: Counter[str] = Counter()

    def call(self, request: Request) -> Generator[Any, Any, Outcome]:
        self.counters["calls"] += 1
        if request.key % 2 == 0:
            return Outcome(Status.OK, Source.FRESH_HIT, 0)
        outcome: Outcome = yield from self.next(request)
        return outcome


def _run(scope: Scope, users: int, keys: int = 1) -> Any:
    from asyncsim.sim.workload.keys import KeySpec

    BUILT.clear()
    spec = SimulationSpec(seed=3, duration_s=100.0, warmup_s=10.0,
                          backends=(BackendSpec("api", 4, Constant(0.01)),),
                          workload=compose(OpenLoad(ArrivalSpec(20.0), users),
                                           PlainRequest("api", KeySpec(keys))))
    return Simulation(spec, StrategySpec("toy", (AnswerEvenKeys(scope),)), 0).run()


def test_client_scope_builds_one_instance_per_client_and_shared_one() -> None:
    _run("client", users=7)
    assert len(BUILT) == 7
    _run("shared", users=7)
    assert len(BUILT) == 1


def test_counters_cover_the_measured_window_summed_over_clients() -> None:
    result = _run("client", users=5)
    measured = int((result.requests["t_start_s"] >= 10.0).sum())
    assert result.layers[0].counters["calls"] == measured


def test_immediate_answers_create_no_simpy_events() -> None:
    """All requests for key 0 are answered by the layer: only arrivals, warm-up and the
    series sampler schedule events (one per arrival plus a constant)."""
    answered = _run("shared", users=1, keys=1)
    assert (answered.requests["source"] == Source.FRESH_HIT).all()
    arrivals = len(answered.requests["t_start_s"])
    assert answered.events <= arrivals + 300
    mixed = _run("shared", users=1, keys=2)  # odd keys go down: one event each, their end
    passed_down = int((mixed.requests["source"] == Source.NETWORK).sum())
    assert passed_down > 500
    assert mixed.events >= len(mixed.requests["t_start_s"]) + passed_down
