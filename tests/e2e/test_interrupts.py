"""Ctrl-C and SIGTERM at any moment leave --out as it was and no process behind.

A real ``asyncsim run`` subprocess (its own session, so its whole process group can be
watched: the forkserver and the pool's workers inherit it) is signalled at two moments:
while its workers simulate, and while the report is being written. The second moment is
hit deterministically through the ``ASYNCSIM_TEST_PAUSE_WRITING`` hook: the run creates a
marker file once summary.json is staged and waits; the test signals when the marker
appears. Waiting is by polling with a timeout, never by sleeping a fixed time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from asyncsim.reports.files.output_set import PAUSE_ENV

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")

SCENARIO = """
version: 1
name: interrupted
seed: 3
duration: {duration}
replications: 4
backends:
  api:
    workers: 4
    latency: {{exponential: 10ms}}
workload:
  target: api
  arrivals: {{poisson: 200/s}}
strategies:
  a: []
  b: [{{timeout: 15ms}}]
"""
OLD = {"summary.json": "old summary\n", "report.html": "old report\n", "notes.txt": "mine\n"}


def _group(pgid: int) -> list[int]:
    """Live processes (zombies aside) in process group ``pgid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _wait_for(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.slow
@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)],
                         ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("moment", ["simulating", "writing"])
def test_a_signal_leaves_out_as_it_was_and_no_process_running(
        tmp_path: Path, signum: int, code: int, moment: str) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SCENARIO.format(duration="2h" if moment == "simulating" else "20s"))
    out = tmp_path / "out"
    out.mkdir()
    for name, text in OLD.items():
        (out / name).write_text(text)
    marker = tmp_path / "writing"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    if moment == "writing":
        env[PAUSE_ENV] = str(marker)
    proc = subprocess.Popen(
        [sys.executable, "-m", "asyncsim", "run", str(scenario), "--out", str(out),
         "--jobs", "2", "-q"], env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        if moment == "writing":
            reached = _wait_for(marker.exists, 120)
        else:  # main, resource tracker, forkserver and both workers: simulating
            reached = _wait_for(lambda: len(_group(proc.pid)) >= 5, 120)
        assert reached, "the run never reached the moment to interrupt"
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=90)  # generous: a loaded CI machine, 2 cores
        assert proc.returncode == code, stderr.decode()
        assert len(stderr.decode().strip().splitlines()) == 1
        assert _wait_for(lambda: not _group(proc.pid), 30), "processes left running"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert {p.name: p.read_text() for p in out.iterdir()} == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["s.yaml", "out"] + (["writing"] if moment == "writing" else []))


@pytest.mark.slow
@pytest.mark.parametrize("attempt", range(3))
def test_ctrl_c_to_the_whole_group_while_workers_start_prints_one_line(
        tmp_path: Path, attempt: int) -> None:
    """A terminal's Ctrl-C reaches every process of the group; workers still starting up
    used to print a KeyboardInterrupt traceback under the one-line message."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SCENARIO.format(duration="2h"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "asyncsim", "run", str(scenario), "--out",
         str(tmp_path / "out"), "--jobs", "2", "-q"],
        env={**os.environ, "PYTHONPATH": str(REPO / "src")}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert _wait_for(lambda: len(_group(proc.pid)) >= 2 + attempt, 120)
        os.killpg(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=90)
        assert proc.returncode == 130, stderr.decode()
        assert stderr.decode().strip().splitlines() == [
            "interrupted: no report written (--out is as it was)"], stderr.decode()
        assert _wait_for(lambda: not _group(proc.pid), 30), "processes left running"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert not (tmp_path / "out").exists()
