"""The progress bar of a run: simulated time across every run, with an ETA.

Why simulated time and not finished runs: with two long runs the old bar sat at "0/2"
for minutes. Each worker reports its simulated clock as it goes (runner.ClockProgress),
so the bar moves, and rich's refresh thread redraws it several times a second with the
remaining time estimated from the simulated seconds done so far.
"""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from asyncsim.lang.units import format_duration


class RunProgress:
    """start(runs, seconds per run), then clock(run index, now) and runs_done(done, total)."""

    def __init__(self, console: Console, disable: bool, refresh_per_second: float = 4) -> None:
        self.enabled = not disable
        self.bar = Progress(TextColumn("simulating"), BarColumn(), TaskProgressColumn(),
                            TextColumn("{task.fields[clock]}"), TextColumn("ETA"),
                            TimeRemainingColumn(), TimeElapsedColumn(), console=console,
                            disable=disable, transient=True,
                            refresh_per_second=refresh_per_second)
        self.task: TaskID = self.bar.add_task("simulating", total=None, clock="")
        self.per_run_s = 0.0
        self.runs = 0
        self.done = 0
        self.clocks: dict[int, float] = {}

    def __enter__(self) -> RunProgress:
        self.bar.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.bar.__exit__(kind, error, trace)

    def start(self, runs: int, per_run_s: float | None = None) -> None:
        self.runs = runs
        self.per_run_s = per_run_s or 0.0
        total = runs * self.per_run_s if self.per_run_s else runs
        self.bar.update(self.task, total=total, clock=self._text())

    def clock(self, index: int, now_s: float) -> None:
        self.clocks[index] = min(now_s, self.per_run_s) if self.per_run_s else now_s
        self._show()

    def runs_done(self, done: int, _total: int) -> None:
        self.done = done
        self._show()

    def _simulated_s(self) -> float:
        return sum(self.clocks.values())

    def _text(self) -> str:
        if not self.per_run_s:
            return f"{self.done}/{self.runs} runs"
        total = format_duration(round(self.runs * self.per_run_s))
        return (f"{format_duration(round(self._simulated_s()))} of {total} simulated · "
                f"{self.done}/{self.runs} runs")

    def _show(self) -> None:
        completed = self._simulated_s() if self.per_run_s else self.done
        self.bar.update(self.task, completed=completed, clock=self._text())
