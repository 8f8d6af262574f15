"""``asyncsim fit`` and ``asyncsim import har`` through the CLI: the printed result, and
every bad input of issue 16 exiting 104 with its file and line/column/record, one line,
no traceback, nothing written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from asyncsim.cli import cli

runner = CliRunner()
HAR = Path(__file__).resolve().parents[2] / "examples" / "har"


def _ms(text: str, name: str) -> float:
    match = re.search(rf"{name}: ([0-9.]+)ms", text)
    assert match, text
    return float(match.group(1))


def test_fit_samples_prints_the_ranking_and_the_lognormal_snippet(tmp_path: Path) -> None:
    """10^5 lognormal samples (median 80ms, p99 400ms): the snippet is within 2%."""
    rng = np.random.default_rng(11)
    sigma = np.log(400 / 80) / 2.3263478740408408
    values = 80 * np.exp(sigma * rng.standard_normal(100_000))
    path = tmp_path / "latency.csv"
    path.write_text("duration_ms\n" + "\n".join(f"{v:.4f}" for v in values) + "\n")
    qq = tmp_path / "qq.html"
    result = runner.invoke(cli, ["fit", str(path), "--column", "duration_ms", "--unit", "ms",
                                 "--qq", str(qq)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["family", "KS", "AD", "parameters"]
    assert "<- best" in next(line for line in lines if line.startswith("lognormal"))
    snippet = next(line for line in lines if line.startswith("latency:"))
    assert _ms(snippet, "median") == pytest.approx(80, rel=0.02)
    assert _ms(snippet, "p99") == pytest.approx(400, rel=0.02)
    page = qq.read_text()
    assert page.startswith("<!doctype html>") and "lognormal" in page


def test_fit_buckets_and_percentiles(tmp_path: Path) -> None:
    buckets = tmp_path / "buckets.csv"
    # cumulative counts of 10,000 lognormal(median 0.1s, sigma 0.5) observations
    bounds = [0.025, 0.05, 0.1, 0.25, 0.5, 1.0]
    from scipy import stats  # the reference CDF, independent of the fit

    counts = [round(10_000 * stats.lognorm.cdf(b, 0.5, scale=0.1)) for b in bounds]
    buckets.write_text("le,count\n" + "".join(f"{b},{c}\n" for b, c in zip(bounds, counts,
                                                                            strict=True))
                       + "+Inf,10000\n")
    result = runner.invoke(cli, ["fit", "--buckets", str(buckets), "--unit", "s"])
    assert result.exit_code == 0, result.output
    snippet = next(line for line in result.stdout.splitlines() if line.startswith("latency:"))
    assert "lognormal" in snippet
    assert _ms(snippet, "median") == pytest.approx(100, rel=0.02)
    result = runner.invoke(cli, ["fit", "--percentiles", "p50=80ms,p90=200ms,p99=400ms"])
    assert result.exit_code == 0 and "latency: {lognormal:" in result.stdout


def test_fit_needs_exactly_one_input_and_a_unit_for_samples(tmp_path: Path) -> None:
    result = runner.invoke(cli, ["fit"])
    assert result.exit_code == 2 and "give one input" in result.output
    result = runner.invoke(cli, ["fit", str(_file(tmp_path, "l.csv", "ms\n1\n2\n")),
                                 "--column", "ms"])
    assert result.exit_code == 2 and "--unit" in result.output


def test_import_har_writes_the_example(tmp_path: Path) -> None:
    target = tmp_path / "page.yaml"
    result = runner.invoke(cli, ["import", "har", str(HAR / "dashboard-chrome.har"),
                                 "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "as-recorded = page_load sequential" in result.stdout
    assert target.read_text() == (HAR / "dashboard-chrome.yaml").read_text()
    assert runner.invoke(cli, ["validate", str(target)]).exit_code == 0
    by_origin = runner.invoke(cli, ["import", "har", str(HAR / "news-firefox.har"), "-o", "-",
                                    "--group", "origin"])
    assert by_origin.exit_code == 0 and by_origin.stdout.startswith("#")


def _har_without_timings(tmp_path: Path) -> Path:
    tree = json.loads((HAR / "news-firefox.har").read_text())
    del tree["log"]["entries"][2]["timings"]
    path = tmp_path / "no-timings.har"
    path.write_text(json.dumps(tree))
    return path


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


BAD = {
    "malformed HAR": (lambda t: ["import", "har",
                                 str(_file(t, "bad.har", '{"log": {\n  "x": ,\n}}')),
                                 "-o", str(t / "out.yaml")], "bad.har:2:8: malformed JSON"),
    "HAR without timings": (lambda t: ["import", "har", str(_har_without_timings(t)), "-o",
                                       str(t / "out.yaml")], "no-timings.har: record 2: "),
    "empty HAR": (lambda t: ["import", "har", str(_file(t, "empty.har", "")), "-o",
                             str(t / "out.yaml")], "empty.har: the file is empty"),
    "CSV without the column": (lambda t: ["fit", str(_file(t, "l.csv", "ms\n1\n2\n")),
                                          "--column", "latency", "--unit", "ms", "--qq",
                                          str(t / "qq.html")],
                               "l.csv:1: no column 'latency' (the file has: ms)"),
    "empty CSV": (lambda t: ["fit", str(_file(t, "e.csv", "")), "--column", "latency",
                             "--unit", "ms"],
                  "e.csv: the file is empty"),
    "NaN duration": (lambda t: ["fit", str(_file(t, "n.csv", "latency\n1\nnan\n3\n")),
                                "--column", "latency", "--unit", "ms", "--qq",
                                str(t / "qq.html")],
                     "n.csv:3: record 1: duration in column 'latency' is 'nan'"),
    "negative duration": (lambda t: ["fit", str(_file(t, "m.csv", "latency\n1\n-2\n3\n")),
                                     "--column", "latency", "--unit", "ms"],
                          "m.csv:3: record 1: negative duration '-2'"),
    "bad buckets": (lambda t: ["fit", "--buckets", str(_file(t, "b.csv", "le,count\nx,1\n"))],
                    "b.csv:2: record 0: bucket bound 'x' is not a number or +Inf"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_input_exits_104_located_and_writes_nothing(tmp_path: Path, case: str) -> None:
    make, expected = BAD[case]
    args = make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = runner.invoke(cli, args)
    assert result.exit_code == 104, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"✗ {tmp_path}/") and expected in line, line
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before


TRACE_SCENARIO = """\
name: t
duration: 10s
backends: {{api: {{latency: 1ms}}}}
workload:
  target: api
  arrivals: {{trace: {{file: access.csv, time: ts, key: path{extra}}}}}
"""


def test_unsorted_timestamps_are_refused_unless_sort_is_set(tmp_path: Path) -> None:
    """Refused by default (exit 104 at the trace node, naming the file's line and record);
    ``sort: true`` sorts them and warns."""
    (tmp_path / "access.csv").write_text("ts,path\n1,/a\n0.5,/b\n2,/a\n")
    scenario = _file(tmp_path, "s.yaml", TRACE_SCENARIO.format(extra=""))
    result = runner.invoke(cli, ["run", str(scenario), "-q", "-o", str(tmp_path / "out")])
    assert result.exit_code == 104
    assert "s.yaml:6:21: workload.arrivals.trace: " in result.stderr
    assert "access.csv:3: record 1: timestamps are not sorted" in result.stderr
    assert not (tmp_path / "out").exists()
    _file(tmp_path, "s.yaml", TRACE_SCENARIO.format(extra=", sort: true"))
    result = runner.invoke(cli, ["run", str(scenario), "-q", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "! " in result.stderr and "record(s) were out of time order" in result.stderr
