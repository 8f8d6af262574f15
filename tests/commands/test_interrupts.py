"""A stop signal is never lost, even when Python swallows the exception it raised."""

from __future__ import annotations

import gc
import os
import signal
import threading
import weakref

import pytest

from asyncsim.commands.interrupts import Terminated, raise_if_stopped, terminate_as_exception

pytestmark = pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                                reason="signal handlers need the main thread")


class _Thing:
    pass


def _signal_inside_a_weakref_callback(signum: int) -> None:
    """Deliver ``signum`` while a weakref callback runs: its handler's exception is then
    "ignored" by Python, as when Ctrl-C hit the loader's weakref callbacks."""
    thing = _Thing()

    def callback(_ref: weakref.ref[_Thing]) -> None:
        os.kill(os.getpid(), signum)
        for _ in range(3):  # the handler runs at one of these bytecodes
            pass

    ref = weakref.ref(thing, callback)
    del thing
    gc.collect()
    assert ref() is None


@pytest.mark.parametrize("signum, stop", [(signal.SIGINT, KeyboardInterrupt),
                                          (signal.SIGTERM, Terminated)])
def test_a_swallowed_stop_is_raised_again_before_simulating(
        signum: int, stop: type[BaseException], capsys: pytest.CaptureFixture[str]) -> None:
    with terminate_as_exception():
        _signal_inside_a_weakref_callback(signum)  # swallowed: the command would go on
        with pytest.raises(stop):
            raise_if_stopped()
    assert capsys.readouterr().err == ""  # no "Exception ignored" report on stderr


def test_no_stop_no_raise_and_the_note_is_per_command() -> None:
    with terminate_as_exception():
        raise_if_stopped()
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(3):
                pass
    with terminate_as_exception():
        raise_if_stopped()  # the previous command's stop is forgotten
