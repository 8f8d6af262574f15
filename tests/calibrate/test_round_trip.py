"""The calibration half of the round trip: a scenario's ``--raw`` request log, fitted and
read as a trace, gives back the scenario's latency distribution and arrival rate."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from asyncsim.calibrate.fit import fit_samples, read_samples
from asyncsim.calibrate.trace import read_trace
from tests.e2e.test_round_trip import FIRST as SCENARIO  # one scenario, both halves

SRC = str(Path(__file__).resolve().parents[2] / "src")


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("round-trip")
    (folder / "s.yaml").write_text(SCENARIO)
    done = subprocess.run([sys.executable, "-m", "asyncsim", "run", str(folder / "s.yaml"),
                           "--out", str(folder / "out"), "--raw", "csv", "-q"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": SRC},
                          check=False)
    assert done.returncode == 0, done.stderr
    return next((folder / "out").rglob("requests.csv"))


def test_the_latency_of_a_raw_log_fits_back_to_the_scenario(raw: Path) -> None:
    """~12,000 requests: the median and p99 of a fitted lognormal have a sampling error
    of about 1% and 3%; 200 workers at 100/s x 0.1 s never queue, so latency is the
    backend's service time."""
    samples = read_samples(raw, "latency_s", "s", where={"strategy": "baseline"})
    result = fit_samples(samples)
    assert result.best.family == "lognormal"
    assert result.best.params["median"] == pytest.approx(0.080, rel=0.03)
    assert result.best.params["p99"] == pytest.approx(0.400, rel=0.06)


def test_the_arrivals_of_a_raw_log_read_back_as_a_trace(raw: Path) -> None:
    trace = read_trace(raw, time="t_start_s", key="key", client="client",
                       where={"strategy": "baseline", "replication": "0"}, sort=True)
    assert trace.reordered > 0  # the log is in completion order, not start order
    assert trace.rate == pytest.approx(100.0, rel=0.05)
    assert trace.client_names is not None and len(trace.client_names) <= 50
