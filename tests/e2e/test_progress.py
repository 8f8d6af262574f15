"""The progress bar moves in simulated time with an ETA before the first run finishes,
and listening to the clock changes no result."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from rich.console import Console

from asyncsim.commands.common import load
from asyncsim.commands.run import run_scenario
from asyncsim.reports.render.progress import RunProgress

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ETA = re.compile(r"ETA (\d+:\d\d:\d\d)")


def test_eta_shows_before_the_first_run_finishes() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=140, color_system=None)
    loaded = load(EXAMPLES / "waterfall.yaml", ["replications=1"])
    snapshots: list[str] = []
    finished: list[int] = []
    with RunProgress(console, disable=False, refresh_per_second=0.1) as bar:

        def clock(index: int, now_s: float) -> None:
            bar.clock(index, now_s)
            if not finished:  # the first run is still going: draw the bar now
                start = buffer.tell()
                bar.bar.refresh()
                snapshots.append(buffer.getvalue()[start:])

        def runs_done(done: int, total: int) -> None:
            finished.append(done)
            bar.runs_done(done, total)

        run_scenario(loaded, None, jobs=1, on_progress_start=bar.start, progress=runs_done,
                     clock=clock, report_every_wall_s=0.0)
    etas = [m.group(1) for s in snapshots for m in ETA.finditer(s)]
    assert len(snapshots) > 100  # every tick of the first run drew the bar
    assert etas, snapshots[-1]   # a remaining time, not -:--:--
    assert len(set(etas)) >= 2, etas  # and it updates as the first run goes
    simulated = [m.group(1) for s in snapshots
                 for m in re.finditer(r"(\S+) of 900s simulated", s)]
    assert len(set(simulated)) > 3  # the simulated clock moved while the first run ran


def _summary(jobs: int, with_clock: bool) -> str:
    loaded = load(EXAMPLES / "waterfall.yaml", ["replications=2"])
    heard: list[float] = []
    output = run_scenario(loaded, None, jobs=jobs,
                          clock=(lambda _i, now: heard.append(now)) if with_clock else None,
                          report_every_wall_s=0.0)
    assert not with_clock or heard
    return json.dumps(output.summary, sort_keys=True)


def test_progress_changes_no_result() -> None:
    plain = _summary(1, with_clock=False)
    assert _summary(1, with_clock=True) == plain
    assert _summary(2, with_clock=True) == plain  # reports over a Manager queue
