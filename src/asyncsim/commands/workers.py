"""Local worker processes made ready before a command imports the rest of itself.

Why a module of its own: the forkserver imports the simulation and the reduce function's
module for every worker (about half a second). Started first thing, it does that on the
other core while this process imports the reports and reads the scenario; started after
those imports (about a second), it was still importing when the runs began, and both
workers waited for it.
"""

from __future__ import annotations

from asyncsim.runner import Executor, start_workers_early

REDUCE_MODULE = "asyncsim.reports.reduction"
"""Where the runs' reduce function lives (``reduce_run``): named, not imported, so that
the forkserver starts before this process imports the reports (tests/test_runner.py checks
that it is the module the runner preloads for ``reduce_run``)."""


def prepare_workers(jobs: int | None, executor: Executor) -> None:
    """Call first: local worker processes get ready while the command imports and loads."""
    if executor == "local":
        start_workers_early(jobs, REDUCE_MODULE)
