"""Experiment orchestration: strategies x replications, in local processes or on Dask.

Determinism: each task is fully described by (scenario spec, strategy, replication);
its random streams derive from the seed and the replication only (see sim.engine), and
results are put back in (strategy, replication) order. So the output does not depend on
the number of processes, the executor, or the order tasks finish in.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from functools import partial
from typing import Generic, Literal, Protocol, TypeVar

from asyncsim.runner.dispatch import LongestFirst
from asyncsim.sim.simulation import RunResult, Simulation, SimulationSpec, StrategySpec

T = TypeVar("T")
Executor = Literal["local", "dask"]
Progress = Callable[[int, int], None]
ClockProgress = Callable[[int, float], None]
"""Hears (task index, simulated seconds reached) while runs go, from every worker."""


class Reporter(Protocol):
    def put(self, item: tuple[int, float]) -> None: ...


@dataclass(frozen=True)
class _Direct:
    """A reporter for runs in this process: calls the listener at once."""

    listener: ClockProgress

    def put(self, item: tuple[int, float]) -> None:
        self.listener(*item)


@dataclass(frozen=True)
class Task(Generic[T]):
    spec: SimulationSpec
    strategy: StrategySpec
    replication: int
    reduce: Callable[[RunResult], T]
    index: int = 0
    reporter: Reporter | None = None
    """Where the run reports its simulated clock (a Manager queue across processes)."""
    report_every_wall_s: float = 0.25

    def __call__(self) -> T:
        on_time = None
        if self.reporter is not None:
            reporter, index = self.reporter, self.index

            def on_time(now: float) -> None:
                reporter.put((index, now))
        result = Simulation(self.spec, self.strategy, self.replication, on_time,
                            self.report_every_wall_s).run()
        if self.reporter is not None:
            self.reporter.put((self.index, self.spec.duration_s))
        return self.reduce(result)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


def run_experiment(spec: SimulationSpec, strategies: Sequence[StrategySpec], replications: int,
                   reduce: Callable[[RunResult], T], jobs: int | None = None,
                   executor: Executor = "local", scheduler: str | None = None,
                   progress: Progress | None = None, clock: ClockProgress | None = None,
                   report_every_wall_s: float = 0.25) -> list[T]:
    """Run every (strategy, replication); results ordered by strategy name, then replication.

    ``clock`` hears each run's simulated time as it goes (local executor only)."""
    return run_points([(spec, strategies, replications)], reduce, jobs, executor, scheduler,
                      progress, clock, report_every_wall_s)[0]


def run_points(points: Sequence[tuple[SimulationSpec, Sequence[StrategySpec], int | range]],
               reduce: Callable[[RunResult], T], jobs: int | None = None,
               executor: Executor = "local", scheduler: str | None = None,
               progress: Progress | None = None, clock: ClockProgress | None = None,
               report_every_wall_s: float = 0.25) -> list[list[T]]:
    """Several experiments (a sweep's points) in one pool, so every core stays busy.

    Returns one list per point, each ordered by strategy name, then replication. A
    point's replications are a count (0 to n - 1) or a range of replication numbers
    (explore adds replications to a point without running the first ones again).
    """
    tasks: list[Task[T]] = []
    sizes = []
    for spec, strategies, replications in points:
        ordered = sorted(strategies, key=lambda s: s.name)
        reps = replications if isinstance(replications, range) else range(replications)
        tasks += [Task(spec, strategy, rep, reduce) for strategy in ordered for rep in reps]
        sizes.append(len(ordered) * len(reps))
    if clock is None or executor == "dask":
        results = _execute(tasks, jobs, executor, scheduler, progress)
    elif max(1, min(jobs or default_jobs(), len(tasks))) == 1:
        tasks = [replace(t, index=i, reporter=_Direct(clock),
                         report_every_wall_s=report_every_wall_s) for i, t in enumerate(tasks)]
        results = _execute(tasks, 1, executor, scheduler, progress)
    else:
        results = _with_queue(tasks, jobs, scheduler, progress, clock, report_every_wall_s)
    out, start = [], 0
    for size in sizes:
        out.append(results[start:start + size])
        start += size
    return out


def _with_queue(tasks: list[Task[T]], jobs: int | None, scheduler: str | None,
                progress: Progress | None, clock: ClockProgress,
                report_every_wall_s: float) -> list[T]:
    """Worker processes put (task, clock) on a Manager queue; a thread here passes them on."""
    with contextlib.ExitStack() as stack:
        with _signals_held(forkserver=False):  # so the manager process is known and stopped
            manager = stack.enter_context(multiprocessing.Manager())
        queue = manager.Queue()
        tasks = [replace(t, index=i, reporter=queue, report_every_wall_s=report_every_wall_s)
                 for i, t in enumerate(tasks)]

        def drain() -> None:
            while (item := queue.get()) is not None:
                clock(*item)

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        try:
            return _execute(tasks, jobs, "local", scheduler, progress)
        finally:
            queue.put(None)
            reader.join()


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


def start_workers_early(jobs: int | None, reduce_module: str) -> None:
    """Start the forkserver now, when a run will use worker processes: it imports the
    simulation and ``reduce_module`` (the module of the reduce function the runs will
    use) for the workers, about half a second, on another core while this process goes
    on, instead of after. Later pools reuse it."""
    if (jobs or default_jobs()) < 2 or "forkserver" not in multiprocessing.get_all_start_methods():
        return
    multiprocessing.get_context("forkserver").set_forkserver_preload(
        ["asyncsim.runner", reduce_module])
    with _signals_held(forkserver=True):
        pass


def _run_processes(tasks: list[Task[T]], jobs: int, progress: Progress | None) -> list[T]:
    """Runs the tasks on ``jobs`` worker processes, handed out dearest kind first
    (runner/dispatch.py) so that no worker is left alone at the end: one task each, and
    one more waiting (as the pool itself queues one), so none waits for this process."""
    context = multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn")
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(preload_modules(tasks[0].reduce))
    order = LongestFirst([(id(t.spec), t.strategy.name) for t in tasks])  # a point, a strategy
    results: list[T | None] = [None] * len(tasks)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        running: dict[Future[tuple[T, float]], int] = {}

        def start_next() -> None:
            index = order.next()
            if index is not None:
                running[pool.submit(_timed_call, tasks[index])] = index

        try:
            with _signals_held(context.get_start_method() == "forkserver"):
                for _ in range(jobs):  # the pool starts a worker for each
                    start_next()
            start_next()  # one waiting, so a worker that finishes takes it at once
            done = 0
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    index = running.pop(future)
                    results[index], cost_s = future.result()
                    order.finished(index, cost_s)
                    start_next()
                    done += 1
                    if progress:
                        progress(done, len(tasks))
        except BaseException:
            _stop(pool)
            raise
    return [r for r in results if r is not None]


def _timed_call(task: Task[T]) -> tuple[T, float]:
    """The task's result and the CPU seconds it took in its worker."""
    started = time.process_time()
    result = task()
    return result, time.process_time() - started


HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def _signals_held(forkserver: bool) -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while the workers start: noted (not acted on) meanwhile,
    delivered again once every worker is started and known to the pool.

    Why: raised half-way through starting a worker, the exception left that worker unknown
    to the pool, so :func:`_stop` never ended it: after Ctrl-C it printed a traceback under
    the one-line message; after SIGTERM it went on simulating, holding stderr open, after
    the main process had exited. A terminal sends Ctrl-C to the whole process group, so
    SIGINT is also blocked while the forkserver starts: it passes that mask to every worker
    it forks, and only the main process handles Ctrl-C. SIGTERM is not blocked, only
    noted: :func:`_stop` ends the workers with it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    from multiprocessing import forkserver as server
    from multiprocessing import resource_tracker

    arrived: list[int] = []
    handlers = {signum: signal.signal(signum, lambda signum, frame: arrived.append(signum))
                for signum in HELD_SIGNALS}
    try:
        resource_tracker.ensure_running()  # it blocks Ctrl-C itself, then unblocks it
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            if forkserver:
                server.ensure_running()
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    for noted in dict.fromkeys(arrived):
        signal.raise_signal(noted)  # the command's own handler acts on it now


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


SCHEDULER_TIMEOUT_S = 10.0
"""How long to try a ``--scheduler`` address before saying it cannot be reached."""


class ExecutorUnavailable(Exception):
    """The chosen executor cannot run here: the dask extra is not installed, or the
    scheduler does not answer. Raised before anything is simulated."""


def _run_dask(tasks: list[Task[T]], scheduler: str | None, progress: Progress | None) -> list[T]:
    try:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed
    except ImportError:  # pragma: no cover - depends on the optional extra
        raise ExecutorUnavailable(
            "the dask executor needs the dask extra: pip install 'asyncsim[dask]'") from None
    try:
        client = (Client(scheduler, timeout=SCHEDULER_TIMEOUT_S) if scheduler
                  else Client(processes=True))
    except (OSError, TimeoutError, ValueError) as error:
        raise ExecutorUnavailable(
            f"cannot reach the Dask scheduler at {scheduler} ({error}); start one "
            "(`dask scheduler`) or leave out --scheduler for a cluster on this machine"
        ) from None
    with client:
        futures = client.map(_call, tasks, pure=False)
        index = {future.key: i for i, future in enumerate(futures)}
        results: list[T | None] = [None] * len(tasks)
        for done, (future, value) in enumerate(dask_completed(futures, with_results=True), 1):
            results[index[future.key]] = value
            if progress:
                progress(done, len(tasks))
    return [r for r in results if r is not None]
