"""Every hostile case of issue 17 ends in a clean exit with one line and nothing written.

Each case is a mutation of the quickstart example: a validation case must exit 104 with
exactly one ``file:line:col: ...`` problem line, and ``run`` must leave ``--out`` absent.
"""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asyncsim import runner as runner_module
from asyncsim.cli import cli
from asyncsim.commands import run as run_command
from asyncsim.reports.files import output_set

REPO = Path(__file__).resolve().parents[2]
QUICKSTART = (REPO / "examples" / "quickstart.yaml").read_text()
LATENCY = "latency: {lognormal: {median: 80ms, p99: 400ms}}"
runner = CliRunner()

CASES = {
    "constant latency inf": (LATENCY, "latency: inf"),
    "constant latency never": (LATENCY, "latency: never"),
    "exponential inf": (LATENCY, "latency: {exponential: inf}"),
    "lognormal p99 inf": (LATENCY, "latency: {lognormal: {median: 80ms, p99: inf}}"),
    "lognormal sigma inf": (LATENCY, "latency: {lognormal: {mean: 80ms, sigma: .inf}}"),
    "normal mean inf": (LATENCY, "latency: {normal: {mean: inf, sd: 1ms}}"),
    "normal sd inf": (LATENCY, "latency: {normal: {mean: 5ms, sd: inf}}"),
    "gamma shape inf": (LATENCY, "latency: {gamma: {shape: .inf, mean: 5ms}}"),
    "pareto alpha tiny": (LATENCY, "latency: {pareto: {alpha: 1e-300, min: 1ms}}"),
    "uniform infinite bound": (LATENCY, "latency: {uniform: {low: 1ms, high: inf}}"),
    "mixture weight inf": (LATENCY, "latency: {mixture: [{weight: .inf, distribution: 1ms}]}"),
    "mixture weight huge": (LATENCY, "latency: {mixture: [{weight: 1e308, distribution: 1ms}, "
                                     "{weight: 1e308, distribution: 2ms}]}"),
    "inline sample nan": (LATENCY, "latency: {empirical: {samples: [.nan]}}"),
    "slowdown factor inf": ("factor: 2", "factor: .inf"),
    "slowdown factor huge": ("factor: 2", "factor: 1e300"),
    "error latency inf": ("errors: {rate: 0.002}", "errors: {rate: 0.002, latency: inf}"),
    "users 2^63": ("users: 500", "users: 9223372036854775808"),
    "users 1e30": ("users: 500", "users: 1000000000000000000000000000000"),
    "users 1e12 (memory)": ("users: 500", "users: 1000000000000"),
    "workers 1e39": ("workers: 8", "workers: 1000000000000000000000000000000000000000"),
    "keys.count 1e30": ("count: 1000", "count: 1000000000000000000000000000000"),
    "keys.count true": ("count: 1000", "count: true"),
    "rate 1/0s": ("poisson: 50/s", "poisson: 1/0s"),
    "rate 1/5e-324s": ("poisson: 50/s", "poisson: 1/5e-324s"),
    "rate huge": ("poisson: 50/s", "poisson: 1e300/s"),
    "rate work too large": ("poisson: 50/s", "poisson: 1000000/s"),
    "stage to inf": ("arrivals: {poisson: 50/s}",
                     "arrivals: {poisson: 50/s, stages: [{for: 1m, to: inf/s}]}"),
    "duration 1e400s": ("duration: 5m", "duration: 1e400s"),
    "duration inf": ("duration: 5m", "duration: inf"),
    "duration never": ("duration: 5m", "duration: never"),
    "replications 10000": ("replications: 4", "replications: 10000"),
    "retry max_attempts huge": ("    - timeout: 300ms",
                                "    - timeout: 300ms\n    - retry: {max_attempts: 1000000000}"),
    "factor on capacity_drop": ("{kind: slowdown, at: 2m, for: 1m, factor: 2}",
                                "{kind: capacity_drop, at: 2m, for: 1m, workers: 2, factor: 2}"),
    "workers on slowdown": ("factor: 2", "factor: 2, workers: 3"),
    "capacity_drop above the backend": ("{kind: slowdown, at: 2m, for: 1m, factor: 2}",
                                        "{kind: capacity_drop, at: 2m, for: 1m, workers: 20}"),
    "jitter with backoff none": ("    - timeout: 300ms",
                                 "    - timeout: 300ms\n    - retry: {backoff: none, "
                                 "jitter: full}"),
    "service_curve multiplier inf": ("errors: {rate: 0.002}", "errors: {rate: 0.002}\n"
                                     "    service_curve: {multiplier: {1: .inf}}"),
    "service_curve multiplier huge": ("errors: {rate: 0.002}", "errors: {rate: 0.002}\n"
                                      "    service_curve: {multiplier: {1: 1, 8: 1e300}}"),
    "service_curve latency huge": ("errors: {rate: 0.002}", "errors: {rate: 0.002}\n"
                                   "    service_curve: {latency: {8: 1e8s}}"),
    "max_in_system 0": ("errors: {rate: 0.002}", "errors: {rate: 0.002}\n"
                                                 "    queue: {max_in_system: 0}"),
    "limiter setting of another algorithm": (
        "    - timeout: 300ms", "    - timeout: 300ms\n    - limiter: {algorithm: vegas, "
                               "backoff_ratio: 0.8}"),
    "limiter quantile 1": ("    - timeout: 300ms",
                           "    - timeout: 300ms\n    - limiter: {preset: envoy, quantile: 1}"),
    "escape sequence in a backend name": ("  api:\n", '  "api\\e[2J":\n'),
    "NUL in a threshold key": ("strategies:", 'thresholds:\n  "latency\\0x": ["p(99) < 1s"]\n'
                                             "strategies:"),
}
FILES = {
    "outside the folder": ("../elsewhere.csv", None),
    "absolute elsewhere": ("/etc/passwd", None),
    "empty": ("samples.csv", b""),
    "not UTF-8": ("samples.csv", b"\xff\xfe1\n"),
    "negative": ("samples.csv", b"5\n-3\n"),
    "NaN": ("samples.csv", b"5\nnan\n"),
    "inf": ("samples.csv", b"5\ninf\n"),
    "not a number": ("samples.csv", b"ms\n5\nfive\n"),
    "a directory": ("folder", None),
    "too large": ("big.csv", None),
}
PROBLEM = re.compile(r"^\S+:\d+:\d+: \S")


def _assert_refused(result_output: str, exit_code: int, out: Path) -> None:
    assert exit_code == 104, result_output
    lines = result_output.strip().splitlines()
    assert len(lines) >= 2 and all(PROBLEM.match(line) for line in lines[:-1]), lines
    assert lines[-1].startswith(f"✗ invalid scenario: {len(lines) - 1} problem")
    assert "\x1b" not in result_output and "\x00" not in result_output
    assert "Traceback" not in result_output and "bug in asyncsim" not in result_output
    assert not out.exists()


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_value_is_refused_with_one_line_and_nothing_written(
        case: str, tmp_path: Path) -> None:
    old, new = CASES[case]
    assert old in QUICKSTART
    path = tmp_path / "s.yaml"
    path.write_text(QUICKSTART.replace(old, new, 1))
    out = tmp_path / "out"
    result = runner.invoke(cli, ["run", str(path), "--out", str(out), "-q"])
    _assert_refused(result.output, result.exit_code, out)


@pytest.mark.parametrize("case", list(FILES))
def test_bad_sample_file_is_refused_at_validation(case: str, tmp_path: Path) -> None:
    name, content = FILES[case]
    folder = tmp_path / "scenario"
    folder.mkdir()
    if content is not None:
        (folder / name).write_bytes(content)
    elif case == "a directory":
        (folder / name).mkdir()
    elif case == "too large":
        with open(folder / name, "wb") as handle:  # sparse: no 11 MB actually written
            handle.truncate(11 * 1024 * 1024)
    path = folder / "s.yaml"
    path.write_text(QUICKSTART.replace(LATENCY, f"latency: {{empirical: {{file: '{name}'}}}}"))
    out = tmp_path / "out"
    result = runner.invoke(cli, ["run", str(path), "--out", str(out), "-q"])
    _assert_refused(result.output, result.exit_code, out)
    if case not in ("outside the folder", "absolute elsewhere", "a directory", "too large",
                    "empty"):
        assert re.search(r"\.csv:\d+:", result.output), result.output  # the file's line


def test_three_hundred_thousand_strategies_are_refused_by_the_count_limit(
        tmp_path: Path) -> None:
    head = QUICKSTART.split("strategies:")[0]
    path = tmp_path / "s.yaml"
    path.write_text(head + "strategies: {" + ", ".join(f"s{i}: []" for i in range(300_000))
                    + "}\n")
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 104
    assert "more than 100 strategies (limit" in result.output


def _short(tmp_path: Path, name: str = "quickstart", strategy: str = "no-timeout") -> Path:
    text = (QUICKSTART.replace("duration: 5m", "duration: 40s")
            .replace("replications: 4", "replications: 1").replace("at: 2m", "at: 35s")
            .replace("name: quickstart", f"name: {name}")
            .replace("no-timeout: []", f"{strategy}: []"))
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("name, strategy", [('"[/]"', '"[/red]"'), ('"[red]x"', '"[/]"')])
def test_markup_in_names_is_shown_as_text(name: str, strategy: str, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["run", str(_short(tmp_path, name, strategy)), "-q",
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert name.strip('"') in result.output and strategy.strip('"') in result.output


def _old_set(out: Path) -> dict[str, str]:
    out.mkdir()
    (out / "summary.json").write_text("old\n")
    (out / "report.html").write_text("old\n")
    return {p.name: p.read_text() for p in out.iterdir()}


@pytest.mark.parametrize("where", ["a file", "below a file"])
def test_out_that_is_not_a_folder_is_refused_before_simulating(
        where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    out = blocker if where == "a file" else blocker / "out"
    monkeypatch.setattr(run_command, "run_experiment", _never)
    result = runner.invoke(cli, ["run", str(_short(tmp_path)), "--out", str(out), "-q"])
    assert result.exit_code == 74, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert blocker.read_text() == "x"


def _never(*args: object, **kwargs: object) -> None:
    raise AssertionError("simulated although --out cannot be written")


def test_read_only_out_is_refused_before_simulating(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def read_only(*args: object, **kwargs: object) -> str:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(output_set.tempfile, "mkdtemp", read_only)
    monkeypatch.setattr(run_command, "run_experiment", _never)
    result = runner.invoke(cli, ["run", str(_short(tmp_path)), "--out",
                                 str(tmp_path / "out"), "-q"])
    assert result.exit_code == 74, result.output
    assert "Read-only file system" in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("failing", ["summary.json", "report.html"])
def test_disk_full_while_writing_exits_74_and_keeps_the_old_set(
        failing: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    before = _old_set(out)
    real = run_command.write_atomic

    def full(path: Path, data: str | bytes) -> None:
        if path.name == failing:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, data)

    monkeypatch.setattr(run_command, "write_atomic", full)
    monkeypatch.setattr("asyncsim.reports.files.outputs.write_atomic", full)
    result = runner.invoke(cli, ["run", str(_short(tmp_path)), "--out", str(out), "-q"])
    assert result.exit_code == 74, result.output
    assert "No space left on device" in result.output.splitlines()[-1]
    assert {p.name: p.read_text() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "s.yaml"]


def test_a_new_set_replaces_the_old_one_whole_and_keeps_other_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _old_set(out)
    (out / "notes.txt").write_text("mine\n")
    result = runner.invoke(cli, ["run", str(_short(tmp_path)), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert (out / "summary.json").read_text() != "old\n"
    assert (out / "report.html").read_text() != "old\n"
    assert (out / "notes.txt").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "s.yaml"]


def test_the_cost_limit_is_raised_by_the_flags(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    # one worker (about 10 calls/s) offered 50/s for 30 days: a backlog of 1e8 calls held
    path.write_text(QUICKSTART.replace("duration: 5m", "duration: 30d")
                    .replace("workers: 8", "workers: 1"))
    refused = runner.invoke(cli, ["validate", str(path)])
    assert refused.exit_code == 104
    assert "too large: about 1.04e+09 requests" in refused.output  # 50/s x 30 d x 8 runs
    assert "--max-requests" in refused.output
    big = runner.invoke(cli, ["validate", str(path), "--max-requests", "2e9"])
    assert big.exit_code == 104 and "--max-memory" in big.output
    accepted = runner.invoke(cli, ["validate", str(path), "--max-requests", "2e9",
                                   "--max-memory", "64GB"])
    assert accepted.exit_code == 0, accepted.output


def test_run_prints_the_estimate_of_a_long_run(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("asyncsim.scenarios.checks.cost.LONG_RUN_S", 0.0)
    result = runner.invoke(cli, ["run", str(_short(tmp_path)), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "estimate: about 4e+03 requests (2e+03 per run x 2 runs)" in result.output


def test_a_looped_trace_is_costed_by_its_records(tmp_path: Path) -> None:
    """A trace's cost is its records (4,393 in two minutes), looped to the run's length."""
    folder = tmp_path / "t"
    assert runner.invoke(cli, ["init", "trace-replay", str(folder)]).exit_code == 0
    path = str(folder / "trace-replay.yaml")
    once = runner.invoke(cli, ["validate", path, "--set", "duration=30d"])
    assert once.exit_code == 0, once.output  # not looped: 4,393 records per run
    looped = runner.invoke(cli, ["validate", path, "--set", "duration=30d",
                                 "--set", "workload.arrivals.trace.loop=true"])
    assert looped.exit_code == 104, looped.output
    # 4,393 records from 0.123 s to 119.902 s, repeated one mean gap apart for 30 days;
    # 3 strategies x 3 replications
    per_run = 4393 * 30 * 86400 / ((119.902 - 0.123) * 4393 / 4392)
    assert f"about {per_run * 9:.3g} requests ({per_run:.3g} per run x 9 runs)" in looped.output
    # Ten years of loops: 10^10 records, which validate used to build (hundreds of GB,
    # killed after a minute of swapping) to count the ones after warm-up.
    decade = runner.invoke(cli, ["validate", path, "--set", "duration=3650d",
                                 "--set", "workload.arrivals.trace.loop=true"])
    assert decade.exit_code == 104, decade.output
    assert "this run is too large: about 1.04e+11 requests" in decade.output


def test_an_unreachable_dask_scheduler_exits_69_and_writes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr(runner_module, "SCHEDULER_TIMEOUT_S", 0.5)  # not 10 s of waiting
    out = tmp_path / "out"
    result = runner.invoke(cli, ["run", str(_short(tmp_path)), "--out", str(out), "-q",
                                 "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 69, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("✗ cannot reach the Dask scheduler at tcp://127.0.0.1:1")
    assert "internal error" not in result.output
    assert not out.exists()


@pytest.mark.parametrize("option", ["--junit", "--markdown"])
def test_a_ci_file_below_a_file_is_refused_before_simulating(option: str, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    out = tmp_path / "out"
    result = runner.invoke(cli, ["run", str(_short(tmp_path)), "--out", str(out), "-q",
                                 option, str(tmp_path / "afile" / "gates.xml")])
    assert result.exit_code == 74, result.output
    assert "afile is a file, not a folder" in result.output
    assert not out.exists()  # refused before the run wrote anything


def test_compare_html_that_cannot_be_written_exits_74(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(cli, ["run", str(_short(tmp_path)), "--out", str(out), "-q"]
                         ).exit_code == 0
    strategies = ",".join(json.loads((out / "summary.json").read_text())["strategies"])
    (tmp_path / "afile").write_text("x")
    result = runner.invoke(cli, ["compare", str(out / "summary.json"), "--strategies",
                                 strategies, "--html", str(tmp_path / "afile" / "c.html")])
    assert result.exit_code == 74, result.output
    assert "internal error" not in result.output


def test_a_sweep_lands_whole_and_keeps_other_files(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    out.mkdir()
    (out / "sweep.html").write_text("old\n")
    (out / "notes.txt").write_text("mine\n")
    result = runner.invoke(cli, ["sweep", str(_short(tmp_path)), "--param",
                                 "backends.api.workers=1..2", "--steps", "2", "--out",
                                 str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert (out / "sweep.html").read_text() != "old\n" and (out / "sweep.csv").exists()
    assert (out / "notes.txt").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml", "sweep"]  # no staging left
