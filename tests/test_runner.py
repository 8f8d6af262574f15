"""The runner: results in (strategy, replication) order whatever the executor."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from multiprocessing.context import ForkServerProcess

import pytest

from asyncsim.commands.interrupts import Terminated, terminate_as_exception
from asyncsim.reports.reduction import reduce_run
from asyncsim.runner import preload_modules, run_experiment
from asyncsim.scenarios.build import simulation_spec, strategy_specs
from tests.helpers import MINIMAL, scenario_from_yaml

SCENARIO = MINIMAL + "replications: 2\nstrategies:\n  b: []\n  a:\n    - timeout: 12ms\n"


def _values(results: list) -> list[tuple[str, int, dict[str, float]]]:  # type: ignore[type-arg]
    return [(r.strategy, r.replication, r.values) for r in results]


def test_local_processes_match_in_process_and_are_ordered() -> None:
    scenario = scenario_from_yaml(SCENARIO)
    spec, strategies = simulation_spec(scenario), strategy_specs(scenario)
    seen: list[tuple[int, int]] = []
    inline = run_experiment(spec, strategies, 2, reduce_run, jobs=1,
                            progress=lambda done, total: seen.append((done, total)))
    pooled = run_experiment(spec, strategies[::-1], 2, reduce_run, jobs=2)
    assert [(s, r) for s, r, _ in _values(inline)] == [("a", 0), ("a", 1), ("b", 0), ("b", 1)]
    assert _values(inline) == _values(pooled)
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_dask_executor_gives_the_same_results() -> None:
    scenario = scenario_from_yaml(SCENARIO)
    spec, strategies = simulation_spec(scenario), strategy_specs(scenario)
    local = run_experiment(spec, strategies, 2, reduce_run, jobs=1)
    on_dask = run_experiment(spec, strategies, 2, reduce_run, executor="dask")
    assert _values(local) == _values(on_dask)


def test_workers_preload_the_module_of_the_reduce_function() -> None:
    """The runner names no reports module itself: it preloads whatever reduces the runs."""
    from functools import partial

    assert preload_modules(reduce_run) == ["asyncsim.runner", "asyncsim.reports.reduction"]
    assert preload_modules(partial(reduce_run, keep_raw=True))[1] == "asyncsim.reports.reduction"
    assert preload_modules(_values) == ["asyncsim.runner", "tests.test_runner"]
    # The CLI starts the forkserver before importing the reports, naming reduce_run's
    # module: a name that drifted would leave each worker to import it on its first run.
    from asyncsim.commands.workers import REDUCE_MODULE

    assert preload_modules(reduce_run)[1] == REDUCE_MODULE


def test_sigterm_while_a_worker_starts_still_stops_every_worker(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGTERM delivered just after a worker process started, before the pool had recorded
    it, used to leave that worker unknown to the pool: it went on simulating after the main
    process exited. Now the signal waits until every worker is known, and all are ended."""
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers need the main thread")
    original = ForkServerProcess.start
    started: list[int] = []

    def start_then_sigterm(self: ForkServerProcess) -> None:
        original(self)
        started.append(self.pid or 0)
        if len(started) == 1:
            os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(ForkServerProcess, "start", start_then_sigterm)
    scenario = scenario_from_yaml(SCENARIO.replace("replications: 2", "replications: 8"))
    try:
        with pytest.raises(Terminated), terminate_as_exception():
            run_experiment(simulation_spec(scenario), strategy_specs(scenario), 8, reduce_run,
                           jobs=2)
        assert started, "no worker started"
        assert not multiprocessing.active_children()
    finally:
        for child in multiprocessing.active_children():
            child.kill()

