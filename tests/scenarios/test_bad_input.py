"""Invalid scenarios: each gives exit 104 and file:line:col messages, never a traceback."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asyncsim.cli import cli
from tests.helpers import MINIMAL, validate_rejects

runner = CliRunner()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def _replace(old: str, new: str) -> str:
    assert old in MINIMAL, old
    return MINIMAL.replace(old, new)


CASES = {
    "wrong unit": (_replace("duration: 100s", "duration: 100 parsecs"),
                   5, 11, "duration: '100 parsecs' is not a duration"),
    "bare number": (_replace("duration: 100s", "duration: 100"),
                    5, 11, "duration: 100 has no unit"),
    "negative rate": (_replace("poisson: 10/s", "poisson: -10/s"),
                      12, 23, "'-10/s' is negative"),
    "unknown field with did-you-mean": (_replace("workers: 1", "workrs: 1"),
                                        8, 5, "unknown field 'workrs' (did you mean 'workers'?"),
    "unknown backend referenced": (_replace("target: api", "target: apii"),
                                   11, 11, "unknown backend 'apii' (allowed: api)"),
    "warmup not shorter than duration": (_replace("duration: 100s", "duration: 100s\nwarmup: 2m"),
                                         6, 9, "warmup (120s) must be shorter than duration"),
    "malformed yaml": (_replace("  target: api", "  target: [api"), 12, 0, ""),
    "non-mapping top level": ("- just\n- a list\n", 1, 1, "must be a mapping"),
    "backend nothing sends to": (_replace("workload:", "  spare:\n    latency: 1ms\nworkload:"),
                                 10, 3, "nothing sends requests to backend 'spare'"),
    "zero requests after warm-up": (_replace("poisson: 10/s", "poisson: 1/h"),
                                    12, 13, "would record nothing"),
    "missing required field": (_replace("name: test\n", ""), 2, 1,
                               "missing required field 'name'"),
    "python object tag": (_replace("name: test", "name: !!python/object:os.system test"),
                          3, 7, "python/object"),
    "duplicate key": (_replace("seed: 1", "seed: 1\nseed: 2"), 5, 1, "duplicate"),
    "lognormal p99 below median": (
        _replace("latency: {exponential: 10ms}", "latency: {lognormal: {median: 80ms, p99: 40ms}}"),
        9, 26, "p99 must be greater than median"),
    "capacity drop without workers": (
        _replace("    latency: {exponential: 10ms}", "    latency: {exponential: 10ms}\n"
                 "    faults:\n      - {kind: capacity_drop, at: 10s, for: 5s}"),
        11, 9, "a capacity_drop needs workers"),
    "zero replications": (_replace("seed: 1", "seed: 1\nreplications: 0"),
                          5, 15, "greater than 0 (got 0)"),
    "two load models": (_replace("  arrivals: {poisson: 10/s}",
                                 "  arrivals: {poisson: 10/s}\n  closed: {think_time: 1s}"),
                        11, 3, "choose one load model"),
    "unknown layer with did-you-mean": (MINIMAL + "strategies:\n  s:\n    - timout: 1s\n",
                                        15, 7, "unknown field 'timout' (did you mean 'timeout'?"),
    "fault after the end": (
        _replace("    latency: {exponential: 10ms}", "    latency: {exponential: 10ms}\n"
                 "    faults:\n      - {kind: outage, at: 5m, for: 5s}"),
        11, 28, "after the run ends"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_invalid_scenario_is_reported_with_position(tmp_path: Path, name: str) -> None:
    text, line, col, fragment = CASES[name]
    rejection = validate_rejects(tmp_path, textwrap.dedent(text))
    assert rejection.line == line, rejection.output
    if col:
        assert rejection.col == col, rejection.output
    assert fragment in rejection.output


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    text = _replace("workers: 1", "workers: 0").replace("duration: 100s", "duration: 5")
    result = runner.invoke(cli, ["validate", str(_write(tmp_path, text))])
    assert result.exit_code == 104
    assert "duration" in result.output and "workers" in result.output
    assert "2 problems" in result.output


def test_run_with_invalid_scenario_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = _write(tmp_path, _replace("target: api", "target: nope"))
    result = runner.invoke(cli, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 104
    assert not out.exists()


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    result = runner.invoke(cli, ["validate", str(_write(tmp_path, "\n".join(lines) + "\n"))])
    assert result.exit_code == 104
    assert "alias" in result.output.lower() and "Traceback" not in result.output


def test_a_50_megabyte_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 104
    assert re.search(r"huge\.yaml:1:1: .*(MiB|bytes|large)", result.output), result.output


def test_bad_override_points_at_the_set_option(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL)
    result = runner.invoke(cli, ["validate", str(path), "--set", "backends.api.workers=-3"])
    assert result.exit_code == 104
    assert "<--set backends.api.workers=-3>:1:" in result.output
    assert "greater than 0" in result.output or "greater than or equal to 1" in result.output


def test_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(cli, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 104
    assert "nope.yaml:1:1:" in result.output


PAGES = """\
version: 1
name: pages
duration: 60s
backends:
  config: {workers: 10, latency: 1s}
  a: {workers: 10, latency: 2s}
workload:
  arrivals: {constant: 1/10s}
  pages:
    resources:
      config: {backend: config, key: global}
      a: {backend: a, after: [config]}
    boundaries: {main: [a]}
strategies:
  parallel: [{page_load: parallel}]
"""


@pytest.mark.parametrize(("old", "new", "line", "col", "message"), [
    # the case: pydantic said "Input should be a valid list"
    ("after: [config]", "after: config", 12, 30,
     "workload.pages.resources.a.after: expected a list, e.g. after: [config]; got 'config' "
     "(after: resources that must settle first"),
    ("boundaries: {main: [a]}", "boundaries: [a]", 13, 17,
     "workload.pages.boundaries: expected a mapping, e.g. boundaries: {name: [a, b]}; "
     "got a list (boundaries: Suspense boundaries"),
    ("boundaries: {main: [a]}", "boundaries: {main: a}", 13, 24,
     "workload.pages.boundaries.main: expected a list, e.g. main: [a]; got 'a'"),
    ("a: {backend: a, after: [config]}", "a: [a]", 12, 10,
     "workload.pages.resources.a: expected a mapping, e.g. a: {backend: ..., after: ..., "
     "key: ...}; got a list"),
])
def test_a_wrong_shape_says_the_shape_expected_in_the_scenarios_words(
        tmp_path: Path, old: str, new: str, line: int, col: int, message: str) -> None:
    assert old in PAGES
    rejection = validate_rejects(tmp_path, PAGES.replace(old, new))
    assert (rejection.line, rejection.col) == (line, col), rejection.output
    assert message in rejection.output, rejection.output
    assert "Input should be" not in rejection.output
