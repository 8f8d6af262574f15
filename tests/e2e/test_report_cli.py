"""The report commands from the command line: run outputs, compare, sweep, exit codes."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from asyncsim.cli import cli
from tests.reports import scenarios

runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The small scenario with seeds 3 and 4, and with seed 3 and a 10x shorter timeout."""
    folder = tmp_path_factory.mktemp("runs")
    path = scenarios.write(folder)
    out = {}
    for label, sets in {"seed3": ["--set", "replications=5"],
                        "seed4": ["--set", "replications=5", "--seed", "4"],
                        "short": ["--set", "replications=5", "--set",
                                  "strategies.timeout-150ms.0.timeout=15ms"]}.items():
        code, text = invoke("run", path, "--out", folder / label, "-j", "1", "-q", *sets)
        assert code == 0, text
        out[label] = folder / label / "summary.json"
    return out


def test_run_writes_the_report_and_says_so(runs: dict[str, Path]) -> None:
    folder = runs["seed3"].parent
    assert (folder / "report.html").stat().st_size > 3_000_000   # plotly.js inlined


def test_cdn_report_is_small(tmp_path: Path) -> None:
    path = scenarios.write(tmp_path)
    code, text = invoke("run", path, "--out", tmp_path / "o", "-q", "-j", "1",
                        "--set", "replications=1", "--plotly-js", "cdn")
    assert code == 0, text
    assert f"report: {tmp_path / 'o'}/report.html" in text.replace("\n", "")
    assert (tmp_path / "o" / "report.html").stat().st_size < 300_000


def test_compare_different_seeds_reports_no_significant_change(runs: dict[str, Path]) -> None:
    code, text = invoke("compare", runs["seed3"], runs["seed4"])
    assert code == 0, text
    assert "error_rate" not in text                # only significant changes are listed
    assert re.search(r"\n(\d+) no significant change \(b against a", text)
    code, text = invoke("compare", runs["seed3"], runs["seed4"], "--all")
    assert code == 0 and "error_rate" in text and "█ timeout-150ms" in text
    assert "better" not in text and "worse" not in text
    rows = _rows(runs["seed3"], runs["seed4"])
    assert rows and {r.verdict for r in rows} == {"no significant change"}


def test_compare_shorter_timeout_is_a_significant_regression(runs: dict[str, Path]) -> None:
    rows = {(r.strategy, r.key): r for r in _rows(runs["seed3"], runs["short"])}
    errors = rows[("timeout-150ms", "error_rate")]
    assert errors.verdict == "worse" and errors.delta > 0.2
    assert errors.ci_low > 0
    assert rows[("timeout-150ms", "latency.p(99)")].verdict == "better"
    # the strategy without a timeout did not change at all (same seed, same config)
    assert {r.verdict for (s, _), r in rows.items() if s == "no-timeout"} == {
        "no significant change"}


def _rows(a: Path, b: Path) -> list:  # type: ignore[type-arg]
    from asyncsim.reports.compare.differences import compare_summaries
    from asyncsim.reports.files.summary_json import read_summary

    return compare_summaries(read_summary(a), read_summary(b))


def test_compare_two_strategies_with_html(runs: dict[str, Path], tmp_path: Path) -> None:
    html = tmp_path / "cmp.html"
    code, text = invoke("compare", runs["seed3"], "--strategies", "no-timeout,timeout-150ms",
                        "--html", html, "--plotly-js", "cdn")
    assert code == 0, text
    assert "error_rate" in text and "worse" in text
    page = html.read_text(encoding="utf-8")
    assert 'data-table="compare"' in page and "no-timeout → timeout-150ms" in page


@pytest.mark.parametrize(("args", "message"), [
    (["--strategies", "no-timeout,nope"], "no strategy 'nope'"),
    (["--strategies", "just-one"], "expected two names"),
    ([], "needs two summary.json files"),
])
def test_compare_usage_errors(runs: dict[str, Path], args: list[str], message: str) -> None:
    code, text = invoke("compare", runs["seed3"], *args)
    assert code == 2 and message in text


def test_compare_rejects_a_file_that_is_not_a_summary(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text(json.dumps({"schema": "something/9"}))
    code, text = invoke("compare", bad, bad)
    assert code == 104 and "not an asyncsim.summary/1 file" in text


def test_missing_optional_outputs_fail_before_running(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "kaleido", None)
    path = scenarios.write(tmp_path)
    code, text = invoke("run", path, "--out", tmp_path / "o", "--raw", "parquet", "--png")
    assert code == 2
    assert "--raw parquet needs pyarrow" in text and "--png needs kaleido" in text
    assert not (tmp_path / "o").exists()


def test_sweep_writes_table_and_report(tmp_path: Path) -> None:
    path = scenarios.write(tmp_path)
    code, text = invoke("sweep", path, "--param", "strategies.timeout-150ms.0.timeout=50ms..1s",
                        "--steps", "3", "--log", "--set", "replications=2", "--set",
                        "duration=30s", "--set", "backends.api.faults=[]", "--out",
                        tmp_path / "sw", "-q", "-j", "1", "--plotly-js", "cdn")
    assert code == 0, text
    table = pd.read_csv(tmp_path / "sw" / "sweep.csv")
    assert len(table) == 3 * 2
    assert table["param:strategies.timeout-150ms.0.timeout:text"].unique().tolist() == [
        "50ms", "220ms", "1s"]
    timeouts = table[table["strategy"] == "timeout-150ms"]
    assert timeouts["error_rate"].is_monotonic_decreasing      # a longer timeout fails less
    page = (tmp_path / "sw" / "sweep.html").read_text(encoding="utf-8")
    assert "Pareto-optimal settings" in page and 'id="tradeoff-0"' in page
    # the terminal's results table: a row per point of the swept strategy, the unswept one
    # once, within 80 columns (CliRunner's console), nothing cut
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines), text
    assert "…" not in text
    rows = [line.split() for line in lines if "timeout-150ms" in line]
    assert [r[0] for r in rows] == ["50ms", "220ms", "1s"]
    assert sum("not swept" in line for line in lines) == 1
    assert len(rows[0]) >= 3  # timeout, strategy, at least one value


def test_sweep_points_are_validated_like_the_file(tmp_path: Path) -> None:
    path = scenarios.write(tmp_path)
    code, text = invoke("sweep", path, "--param", "workload.users=0..2", "--steps", "3",
                        "--out", tmp_path / "sw", "-q")
    assert code == 104
    assert "<--set workload.users=0>:1:16: workload.users" in text
    assert "(sweep point users=0)" in text and not (tmp_path / "sw").exists()


def test_sweep_bad_param_is_a_usage_error(tmp_path: Path) -> None:
    code, text = invoke("sweep", scenarios.write(tmp_path), "--param", "x=1s..2", "-q")
    assert code == 2 and "both ends of a range" in text
