"""SIGTERM handled like Ctrl-C: exit 143 after the same clean-up as exit 130.

Why: without a handler SIGTERM killed the main process at once (exit -15), leaving its
worker processes computing and a staged report behind. Raising an exception instead
runs every ``finally`` on the way out: the runner cancels queued work and terminates its
workers, the staged output folder is removed, ``--out`` stays as it was.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so queued work is cancelled, workers stopped
    and a staged report removed (a BaseException, so no ``except Exception`` swallows it)."""


@contextlib.contextmanager
def terminate_as_exception() -> Iterator[None]:
    """While a command runs, SIGTERM raises :class:`Terminated` (exit 143) instead of
    killing the process at once and leaving its workers and half-written files behind."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_terminated(signum: int, frame: object) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
