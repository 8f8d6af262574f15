"""A real Dask cluster, started here, reached through --scheduler tcp://...: the same
summary.json as a local run, and a sweep of 50 points x 2 replications run on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asyncsim.cli import cli
from tests.helpers import MINIMAL

distributed = pytest.importorskip("distributed")
runner = CliRunner()
SCENARIO = MINIMAL + "replications: 3\nstrategies:\n  plain: []\n  timeout:\n    - timeout: 15ms\n"


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.mark.slow
def test_a_run_on_the_cluster_writes_the_local_summary(scheduler: str, tmp_path: Path) -> None:
    assert scheduler.startswith("tcp://")
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO)
    local = runner.invoke(cli, ["run", str(path), "--out", str(tmp_path / "local"), "-q",
                                "--jobs", "1"])
    assert local.exit_code == 0, local.output
    remote = runner.invoke(cli, ["run", str(path), "--out", str(tmp_path / "dask"), "-q",
                                 "--executor", "dask", "--scheduler", scheduler])
    assert remote.exit_code == 0, remote.output
    assert ((tmp_path / "dask" / "summary.json").read_bytes()
            == (tmp_path / "local" / "summary.json").read_bytes())


@pytest.mark.slow
def test_a_sweep_of_fifty_points_runs_on_the_cluster(scheduler: str, tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.replace("replications: 3", "replications: 2")
                    .replace("  timeout:\n    - timeout: 15ms\n", ""))
    out = tmp_path / "sweep"
    result = runner.invoke(cli, ["sweep", str(path), "--param", "workload.arrivals.poisson="
                                 "10/s..59/s", "--steps", "50", "--out", str(out), "-q",
                                 "--executor", "dask", "--scheduler", scheduler])
    assert result.exit_code == 0, result.output
    rows = (out / "sweep.csv").read_text().splitlines()
    assert len(rows) == 1 + 50  # a header and one row per point (10/s, 11/s, ... 59/s)


def test_scheduler_without_the_dask_executor_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO)
    result = runner.invoke(cli, ["run", str(path), "--scheduler", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 2
    assert "add --executor dask" in result.output
