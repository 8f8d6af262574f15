"""Ctrl-C and SIGTERM: exit 130 or 143 after the same clean-up, even when Python swallowed
the exception a signal raised.

Why an exception for SIGTERM: without a handler SIGTERM killed the main process at once
(exit -15), leaving its worker processes computing and a staged report behind. Raising
an exception instead runs every ``finally`` on the way out: the runner cancels queued
work and terminates its workers, the staged output folder is removed, ``--out`` stays as
it was.

Why a note as well: Python runs a signal's handler at the next bytecode, and when that
bytecode belongs to a weakref callback or a ``__del__`` (loading a scenario runs many
weakref callbacks), the exception is printed as "Exception ignored in ..." and dropped.
The run then went on, for hours if the scenario said so. Each handler notes its signal
before raising, and :func:`raise_if_stopped`, called before simulating, raises again a
stop that was swallowed. The "Exception ignored" report of such a stop is left out (one
line on stderr says what happened); other unraisable exceptions are reported as usual.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so queued work is cancelled, workers stopped
    and a staged report removed (a BaseException, so no ``except Exception`` swallows it)."""


_arrived: list[int] = []
"""The stop signals received while the current command runs."""


def _stop_for(signum: int) -> BaseException:
    return Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def _note_and_raise(signum: int, frame: FrameType | None) -> None:
    _arrived.append(signum)
    raise _stop_for(signum)


@contextlib.contextmanager
def terminate_as_exception() -> Iterator[None]:
    """While a command runs, SIGTERM raises :class:`Terminated` (exit 143) and Ctrl-C
    KeyboardInterrupt (exit 130), each noted for :func:`raise_if_stopped`."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _arrived.clear()
    previous = {signum: signal.signal(signum, _note_and_raise)
                for signum in (signal.SIGINT, signal.SIGTERM)}
    report_unraisable = sys.unraisablehook

    def quiet_about_stops(unraisable: sys.UnraisableHookArgs) -> None:
        if not isinstance(unraisable.exc_value, KeyboardInterrupt | Terminated):
            report_unraisable(unraisable)

    sys.unraisablehook = quiet_about_stops
    try:
        yield
    finally:
        sys.unraisablehook = report_unraisable
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _arrived.clear()


def raise_if_stopped() -> None:
    """Raise the stop that a signal asked for, if its first exception was swallowed."""
    if _arrived:
        raise _stop_for(_arrived[0])
