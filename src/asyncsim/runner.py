"""Experiment orchestration: strategies x replications, in local processes or on Dask.

Determinism: each task is fully described by (scenario spec, strategy, replication);
its random streams derive from the seed and the replication only (see sim.engine), and
results are put back in (strategy, replication) order. So the output does not depend on
the number of processes, the executor, or the order tasks finish in.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import partial
from typing import Generic, Literal, TypeVar

from asyncsim.sim.simulation import RunResult, Simulation, SimulationSpec, StrategySpec

T = TypeVar("T")
Executor = Literal["local", "dask"]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Task(Generic[T]):
    spec: SimulationSpec
    strategy: StrategySpec
    replication: int
    reduce: Callable[[RunResult], T]

    def __call__(self) -> T:
        return self.reduce(Simulation(self.spec, self.strategy, self.replication).run())


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


def run_experiment(spec: SimulationSpec, strategies: Sequence[StrategySpec], replications: int,
                   reduce: Callable[[RunResult], T], jobs: int | None = None,
                   executor: Executor = "local", scheduler: str | None = None,
                   progress: Progress | None = None) -> list[T]:
    """Run every (strategy, replication); results ordered by strategy name, then replication."""
    return run_points([(spec, strategies, replications)], reduce, jobs, executor, scheduler,
                      progress)[0]


def run_points(points: Sequence[tuple[SimulationSpec, Sequence[StrategySpec], int]],
               reduce: Callable[[RunResult], T], jobs: int | None = None,
               executor: Executor = "local", scheduler: str | None = None,
               progress: Progress | None = None) -> list[list[T]]:
    """Several experiments (a sweep's points) in one pool, so every core stays busy.

    Returns one list per point, each ordered by strategy name, then replication.
    """
    tasks: list[Task[T]] = []
    sizes = []
    for spec, strategies, replications in points:
        ordered = sorted(strategies, key=lambda s: s.name)
        tasks += [Task(spec, strategy, rep, reduce) for strategy in ordered
                  for rep in range(replications)]
        sizes.append(len(ordered) * replications)
    results = _execute(tasks, jobs, executor, scheduler, progress)
    out, start = [], 0
    for size in sizes:
        out.append(results[start:start + size])
        start += size
    return out


def _execute(tasks: list[Task[T]], jobs: int | None, executor: Executor,
             scheduler: str | None, progress: Progress | None) -> list[T]:
    jobs = max(1, min(jobs or default_jobs(), len(tasks)))
    if executor == "dask":
        return _run_dask(tasks, scheduler, progress)
    if jobs == 1:
        results = []
        for done, task in enumerate(tasks, start=1):
            results.append(task())
            if progress:
                progress(done, len(tasks))
        return results
    return _run_processes(tasks, jobs, progress)


def _call(task: Task[T]) -> T:
    return task()


def preload_modules(reduce: Callable[[RunResult], object]) -> list[str]:
    """What the forkserver imports once for every worker: this module and the reduce
    function's (a ``functools.partial`` is looked through), so each worker starts warm."""
    target = reduce.func if isinstance(reduce, partial) else reduce
    module = getattr(target, "__module__", None)
    return ["asyncsim.runner"] + ([module] if module and module != "__main__" else [])


def _run_processes(tasks: list[Task[T]], jobs: int, progress: Progress | None) -> list[T]:
    context = multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn")
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(preload_modules(tasks[0].reduce))
    results: list[T | None] = [None] * len(tasks)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures: dict[Future[T], int] = {pool.submit(_call, task): i
                                         for i, task in enumerate(tasks)}
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                results[futures[future]] = future.result()
                if progress:
                    progress(done, len(tasks))
        except BaseException:
            _stop(pool)
            raise
    return [r for r in results if r is not None]


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel queued tasks and end the running ones now (Ctrl-C, SIGTERM, a failure).

    Why terminate: ``shutdown`` alone waits for the replications already running, which
    took up to a minute after a Ctrl-C, and a SIGTERM sent to the main process only left
    the workers computing (and holding stdout) after it had gone.
    """
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
    for worker in workers:
        worker.join(timeout=5)


def _run_dask(tasks: list[Task[T]], scheduler: str | None, progress: Progress | None) -> list[T]:
    try:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed
    except ImportError as err:  # pragma: no cover - depends on the optional extra
        raise RuntimeError("the dask executor needs: pip install 'asyncsim[dask]'") from err
    with Client(scheduler) if scheduler else Client(processes=True) as client:
        futures = client.map(_call, tasks, pure=False)
        index = {future.key: i for i, future in enumerate(futures)}
        results: list[T | None] = [None] * len(tasks)
        for done, (future, value) in enumerate(dask_completed(futures, with_results=True), 1):
            results[index[future.key]] = value
            if progress:
                progress(done, len(tasks))
    return [r for r in results if r is not None]
