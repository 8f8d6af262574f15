"""--raw: every request and the time series, with documented columns."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from asyncsim.commands.common import load
from asyncsim.commands.run import RunOutput, run_scenario
from asyncsim.reports.files.outputs import OutputOptions, OutputUnavailable
from asyncsim.reports.files.raw import (
    REQUEST_COLUMNS,
    SERIES_COLUMNS,
    RawFormatUnavailable,
    write_raw,
)
from tests.optional import need_module
from tests.reports import scenarios


@pytest.fixture(scope="module")
def csv_run(tmp_path_factory: pytest.TempPathFactory) -> RunOutput:
    folder = tmp_path_factory.mktemp("raw")
    loaded = load(scenarios.write(folder))
    return run_scenario(loaded, folder / "out", jobs=1, outputs=OutputOptions(raw="csv"))


def test_requests_table_has_every_request(csv_run: RunOutput) -> None:
    assert csv_run.out_dir is not None
    table = pd.read_csv(csv_run.out_dir / "raw" / "requests.csv")
    assert list(table.columns) == list(REQUEST_COLUMNS)
    assert len(table) == sum(p.requests_simulated for p in csv_run.performance)
    # The measured rows are exactly what the 'requests' metric counted, per replication.
    measured = table[table["measured"]].groupby(["strategy", "replication"]).size()
    for strategy, entry in csv_run.summary["strategies"].items():
        assert [measured[(strategy, r)] for r in range(3)] == entry["replications"]["requests"]
    assert set(table["status"]) <= {"ok", "error", "timeout"}
    assert set(table["source"]) <= {"network", "none"}


def test_series_table_documents_its_columns(csv_run: RunOutput) -> None:
    assert csv_run.out_dir is not None
    series = pd.read_csv(csv_run.out_dir / "raw" / "series.csv")
    # Every column is documented by name, or as '<kind>:<backend>' for this run's backend.
    for column in series.columns:
        assert column in SERIES_COLUMNS or column.replace(":api", ":<backend>") in (
            SERIES_COLUMNS), column
    assert len(series) == 2 * 3 * 200
    first = series[(series["strategy"] == "no-timeout") & (series["replication"] == 0)]
    assert first["bin_start_s"].iloc[0] == 0.0 and first["bin_start_s"].iloc[1] == 0.3
    assert first["requests"].sum() == pytest.approx(
        (csv_run.out_dir / "raw" / "requests.csv").read_text().count("\nno-timeout,0,"))
    assert "`latency_s`" in (csv_run.out_dir / "raw" / "columns.md").read_text()


def test_parquet_without_pyarrow_is_a_clear_error(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(RawFormatUnavailable, match=r"pip install 'asyncsim\[parquet\]'"):
        write_raw(tmp_path, [], 0.0, "parquet")
    loaded = load(scenarios.write(tmp_path))
    with pytest.raises(OutputUnavailable, match="--raw parquet needs pyarrow"):
        run_scenario(loaded, tmp_path / "out", jobs=1, outputs=OutputOptions(raw="parquet"))
    assert not (tmp_path / "out").exists()        # checked before simulating anything


def test_parquet_round_trip(csv_run: RunOutput, tmp_path: Path) -> None:
    """Raw rows do not outlive their run (they are spooled to disk and written once), so
    Parquet is a run of its own: the same scenario, the same rows as the CSV."""
    need_module("pyarrow")
    loaded = load(scenarios.write(tmp_path))
    run = run_scenario(loaded, tmp_path / "out", jobs=1, outputs=OutputOptions(raw="parquet"))
    assert run.out_dir is not None and csv_run.out_dir is not None
    requests = pd.read_parquet(run.out_dir / "raw" / "requests.parquet")
    assert list(requests.columns) == list(REQUEST_COLUMNS)
    assert len(requests) == sum(p.requests_simulated for p in csv_run.performance)
    as_csv = pd.read_csv(csv_run.out_dir / "raw" / "requests.csv")
    assert requests["latency_s"].tolist() == as_csv["latency_s"].tolist()
    assert not (run.out_dir / ".raw-spool").exists()
    assert str(requests["status"].dtype) == "category"
