"""Gates on the command line: exit 0 on pass, 99 on failure, 104 on a bad gate, 2 on misuse."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asyncsim.cli import cli
from tests.helpers import MINIMAL

runner = CliRunner()
# MINIMAL: one worker, 10 ms exponential service, 10 req/s for 100 s.
STRATEGIES = "replications: 2\nstrategies:\n  plain: []\n  timeout:\n    - timeout: 15ms\n"


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL + STRATEGIES)
    return path


def unwrapped(output: str) -> str:
    """The terminal output without rich's line wrapping (at 80 columns under CliRunner)."""
    return re.sub(r" ?\n", " ", output)


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.output


def test_passing_thresholds_exit_0_and_print_the_block_first(scenario: Path,
                                                             tmp_path: Path) -> None:
    code, output = run("run", str(scenario), "-q", "-o", str(tmp_path / "o"),
                       "--threshold", "latency{strategy:timeout}: p(99) <= 15ms",
                       "--threshold", "error_rate{strategy:plain}: rate == 0")
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0] == "█ THRESHOLDS"
    assert "  ✓ 'p(99) <= 15ms' p(99)=15.0 ms" in lines
    assert "  ✓ 'rate == 0' rate=0%" in lines
    assert lines.index("  ✓ 'p(99) <= 15ms' p(99)=15.0 ms") < lines.index(
        next(line for line in lines if line.startswith("== OBJECTIVES")))
    section = json.loads((tmp_path / "o" / "summary.json").read_text())["thresholds"]
    assert section["ok"] is True and len(section["checks"]) == 2


def test_a_failing_threshold_exits_99_and_names_the_strategy(scenario: Path,
                                                             tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    code, output = run("run", str(scenario), "-q", "-o", str(tmp_path / "o"),
                       "--threshold", "error_rate: rate < 1%", "--junit", str(junit),
                       "--markdown", str(tmp_path / "s.md"))
    assert code == 99, output
    assert "  ✓ 'rate < 1%' plain: rate=0%" in output
    assert "  ✗ 'rate < 1%' timeout: rate=" in output
    assert "1 of 2 gate(s) passed, 1 failed: exit 99" in output
    root = ET.parse(junit).getroot()
    failed = [c.get("classname") for c in root.iter("testcase") if c.find("failure") is not None]
    assert failed == ["asyncsim.test.thresholds.timeout"]
    assert (tmp_path / "s.md").read_text().startswith("### asyncsim · test: ❌ 1 of 2 gates")


def test_scenario_thresholds_and_abort_on_fail_report_the_time_reached(
        tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    overloaded = MINIMAL.replace("poisson: 10/s", "poisson: 150/s").replace(
        "duration: 100s", "duration: 40s")
    path.write_text(overloaded + STRATEGIES + "thresholds:\n  latency:\n"
                    + "    - {threshold: 'p(99) < 100ms', abort_on_fail: true,"
                    + " delay_abort_eval: 20s}\n")
    code, output = run("run", str(path), "-q", "-o", str(tmp_path / "o"))
    assert code == 99, output
    # rho 1.5 without a timeout: latency grows; checks every 0.4 s, the first at or after
    # 20 s (20.0000...04 in floating point, printed 20s) fails and stops the run.
    assert "  ✗ 'p(99) < 100ms' plain: p(99)=" in output
    assert ("(stopped 2 of 2 replication(s) early, at 20s, 20s of 40s simulated)"
            in unwrapped(output))
    assert "  ✓ 'p(99) < 100ms' timeout: p(99)=15.0 ms" in output


def test_a_malformed_threshold_option_exits_104_with_its_column(scenario: Path) -> None:
    code, output = run("run", str(scenario), "-q", "--threshold", "latency: p(99) < 300")
    assert code == 104
    assert ("<--threshold latency: p(99) < 300>:1:18: 300 has no unit: write 300ms or 300s"
            in unwrapped(output))
    code, output = run("run", str(scenario), "-q", "--threshold", "latncy{strategy:x}: avg<1s")
    assert code == 104 and ":1:1: unknown metric 'latncy'" in output
    code, output = run("run", str(scenario), "-q", "--threshold", "latency{strategy:x}: avg<1s")
    assert code == 104 and "unknown strategy 'x'" in output


def test_gate_option_misuse_exits_2(scenario: Path, tmp_path: Path) -> None:
    assert run("run", str(scenario), "--compare-fail", "p99:5%")[0] == 2
    assert run("run", str(scenario), "--baseline", str(scenario))[0] == 2
    assert run("check", str(scenario))[0] == 2


def test_baseline_and_check(scenario: Path, tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    assert run("run", str(scenario), "-q", "-o", str(old))[0] == 0
    # Same scenario and seed: identical values, nothing regresses.
    code, output = run("run", str(scenario), "-q", "-o", str(new), "--baseline",
                       str(old / "summary.json"), "--compare-fail", "p99:5%",
                       "--compare-fail", "success_rate:-0.01")
    assert code == 0, output
    assert "█ BASELINE  test (seed 1, 2 replication(s))" in output
    assert re.search(r"✓ 'p99:5%' plain: (\S+ \S+) → \1 \(\+0\.0%\), allowed \+5%", output)
    baseline = json.loads((new / "summary.json").read_text())["baseline"]
    assert baseline["ok"] is True and len(baseline["checks"]) == 4
    # A slower backend at the same seed: p(99) of "plain" grows by 50%, paired.
    slower = tmp_path / "slow.yaml"
    slower.write_text(scenario.read_text().replace("exponential: 10ms", "exponential: 15ms"))
    assert run("run", str(slower), "-q", "-o", str(tmp_path / "slow"))[0] == 0
    junit = tmp_path / "check.xml"
    code, output = run("check", str(tmp_path / "slow" / "summary.json"), "--baseline",
                       str(old / "summary.json"), "--compare-fail", "p99:5%",
                       "--junit", str(junit))
    assert code == 99, output
    assert re.search(r"✗ 'p99:5%' plain: \S+ \S+ → \S+ \S+ \(\+\d+\.\d%\), allowed \+5%",
                     unwrapped(output))
    failures = [c for c in ET.parse(junit).getroot().iter("testcase")
                if c.find("failure") is not None]
    assert [c.get("classname") for c in failures] == ["asyncsim.test.baseline.plain"]
    # check also evaluates thresholds on a summary, without running
    code, output = run("check", str(old / "summary.json"), "--threshold",
                       "latency{strategy:timeout}: max <= 15ms")
    assert code == 0, output


def test_check_refuses_a_file_that_is_not_a_summary(scenario: Path) -> None:
    code, output = run("check", str(scenario), "--baseline", str(scenario),
                       "--compare-fail", "p99:5%")
    assert code == 104 and "cannot read a summary" in unwrapped(output)


def test_summary_with_gates_is_deterministic_across_jobs(scenario: Path,
                                                         tmp_path: Path) -> None:
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"j{jobs}"
        run("run", str(scenario), "-q", "-o", str(out), "-j", jobs,
            "--threshold", "latency: p(97.5) < 20ms")
        outputs.append((out / "summary.json").read_bytes())
    assert outputs[0] == outputs[1]
    assert b'"latency.p(97.5)"' in outputs[0]
