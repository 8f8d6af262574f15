"""The stop hook: a run asked every every_s after warm-up, stopped at once on a reason."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from asyncsim.sim import BackendSpec, Simulation, SimulationSpec, StrategySpec
from asyncsim.sim.distributions import Exponential
from asyncsim.sim.simulation import RunResult, StopCheck
from asyncsim.sim.workload.compose import compose
from asyncsim.sim.workload.load.arrivals import ArrivalSpec
from asyncsim.sim.workload.load.models import OpenLoad
from asyncsim.sim.workload.units.request import PlainRequest


def _spec(check: StopCheck | None) -> SimulationSpec:
    backend = BackendSpec("api", 1, Exponential(0.05))
    return SimulationSpec(seed=3, duration_s=100.0, warmup_s=10.0, backends=(backend,),
                          workload=compose(OpenLoad(ArrivalSpec(10.0)), PlainRequest("api")),
                          stop_check=check)


@dataclass
class Recorder:
    """Stops at the first check at or after ``at_s``; records what each check saw."""

    at_s: float
    seen: list[tuple[float, int]] = field(default_factory=list)

    def __call__(self, snapshot: RunResult) -> str | None:
        self.seen.append((snapshot.duration_s, len(snapshot.requests["t_start_s"])))
        return "enough" if snapshot.duration_s >= self.at_s else None


def test_checks_run_every_every_s_after_warmup_and_stop_at_once() -> None:
    recorder = Recorder(at_s=37.0)
    result = Simulation(_spec(StopCheck(4.5, recorder)), StrategySpec("s"), 0).run()
    # Checks at 10 + 4.5 k: 14.5, 19, 23.5, 28, 32.5, 37 -> stop at 37 exactly.
    assert [t for t, _ in recorder.seen] == [14.5, 19.0, 23.5, 28.0, 32.5, 37.0]
    assert result.stopped_at_s == 37.0 and result.stop_reason == "enough"
    assert result.duration_s == 37.0  # the measured window ends at the stop
    assert result.requests["t_start_s"].max() <= 37.0
    # no drain after a stop: what was recorded is what the last check saw
    assert len(result.requests["t_start_s"]) == recorder.seen[-1][1]


def test_a_check_that_never_stops_changes_nothing() -> None:
    plain = Simulation(_spec(None), StrategySpec("s"), 0).run()
    watched = Simulation(_spec(StopCheck(1.0, Recorder(at_s=1e9))), StrategySpec("s"), 0).run()
    assert watched.stopped_at_s is None and watched.stop_reason is None
    assert watched.duration_s == plain.duration_s == 100.0
    for name, column in plain.requests.items():
        np.testing.assert_array_equal(watched.requests[name], column, err_msg=name)
    assert watched.backends == plain.backends


def test_utilisation_of_a_stopped_run_covers_its_own_window() -> None:
    result = Simulation(_spec(StopCheck(5.0, Recorder(at_s=50.0))), StrategySpec("s"), 0).run()
    # 10 req/s of 50 ms service on one worker: utilisation about 0.5 over [10 s, 50 s].
    assert 0.35 < result.backends["api"].utilisation < 0.65


def test_every_s_must_be_positive() -> None:
    with pytest.raises(ValueError, match="every_s must be positive"):
        StopCheck(0.0, Recorder(at_s=0.0))
