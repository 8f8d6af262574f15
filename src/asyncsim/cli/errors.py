"""Exit codes and messages for every error a command can raise: one place maps an error
type to what the user sees, so no command prints a traceback or picks its own code.

The error types are imported when an error is handled, not before: a command that raised
one has loaded its module already, and ``asyncsim --help`` loads none of them."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import typer

from asyncsim.commands.interrupts import Terminated, terminate_as_exception
from asyncsim.exit_codes import ExitCode
from asyncsim.reports.render.safe import printable
from asyncsim.reports.render.safe import shown as safe

if TYPE_CHECKING:
    from rich.console import Console


class _ConsoleOnFirstUse:
    """A rich Console made when something is first printed: importing rich costs about a
    tenth of a second, which ``asyncsim --help`` (plain click help) should not pay."""

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr)
        return getattr(self._console, name)


out = cast("Console", _ConsoleOnFirstUse(stderr=False))
err = cast("Console", _ConsoleOnFirstUse(stderr=True))
F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(command: F) -> F:
    """Map user errors to exit codes and clean messages; never show a user a traceback.

    Why: a scenario error is the user's to fix and deserves file:line:col, not a stack;
    an internal error is ours, and says so (ASYNCSIM_DEBUG=1 re-raises for a traceback).
    """
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with terminate_as_exception():
                return command(*args, **kwargs)
        except (KeyboardInterrupt, Terminated) as stop:
            what, code = (("terminated", ExitCode.TERMINATED) if isinstance(stop, Terminated)
                          else ("interrupted", ExitCode.INTERRUPTED))
            err.print(f"[yellow]{what}: no report written (--out is as it was)[/yellow]")
            raise typer.Exit(code) from None
        except typer.Exit:
            raise
        except Exception as error:
            user_code = _user_error(error)
            if user_code is not None:
                raise typer.Exit(user_code) from None
            if os.environ.get("ASYNCSIM_DEBUG"):
                raise
            err.print(f"[red]✗ internal error: {type(error).__name__}: {safe(error)}[/red]\n"
                      "This is a bug in asyncsim; run with ASYNCSIM_DEBUG=1 for a traceback.",
                      highlight=False)
            raise typer.Exit(ExitCode.INTERNAL_ERROR) from None
    return wrapper  # type: ignore[return-value]


def _user_error(error: Exception) -> ExitCode | None:
    """Print a user error and give its exit code; None for anything else (a bug)."""
    from asyncsim.calibrate.errors import CalibrationError
    from asyncsim.commands.common import UsageError
    from asyncsim.reports.files.output_set import OutputError
    from asyncsim.reports.files.outputs import OutputUnavailable
    from asyncsim.reports.files.summary_json import SummaryFormatError
    from asyncsim.reports.sweep.params import SweepError
    from asyncsim.runner import ExecutorUnavailable
    from asyncsim.scenarios.problems import ScenarioError

    if isinstance(error, ScenarioError):
        for problem in error.problems:
            typer.echo(printable(problem), err=True)  # one line each, never wrapped
        count = len(error.problems)
        if count == 1 and error.problems[0].message.startswith("file not found"):
            err.print("[red]✗ no scenario file there[/red]")
        else:
            err.print(f"[red]✗ invalid scenario: {count} problem{'s' * (count != 1)}[/red]")
        return ExitCode.INVALID_SCENARIO
    if isinstance(error, CalibrationError):
        typer.echo(f"✗ {error}", err=True)  # one line: file:line:col: record N: what
        return ExitCode.INVALID_SCENARIO
    codes: list[tuple[tuple[type[Exception], ...], ExitCode]] = [
        ((SummaryFormatError,), ExitCode.INVALID_SCENARIO),
        ((OutputUnavailable, SweepError, UsageError), ExitCode.USAGE),
        ((ExecutorUnavailable,), ExitCode.EXECUTOR_UNAVAILABLE),
        ((OutputError,), ExitCode.OUTPUT_ERROR),
    ]
    for types, code in codes:
        if isinstance(error, types):
            for line in str(error).splitlines():
                err.print(f"[red]✗ {safe(line)}[/red]", highlight=False, soft_wrap=True)
            return code
    return None
