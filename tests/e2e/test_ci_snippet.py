"""The README's GitHub Actions snippet, run for real: its ``run:`` lines (all but the
install, which CI does with the same ``pip install .`` before the tests) against the
bundled quickstart example and the committed baseline, in a scratch checkout.

As on GitHub: each step is ``bash --noprofile --norc -eo pipefail``; after a failed
step only ``if: always()`` steps run; ``$GITHUB_STEP_SUMMARY`` is a file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[2]
STRICT = ("'latency{strategy:timeout-300ms}: p(99) <= 300ms'",
          "'latency{strategy:timeout-300ms}: p(99) <= 250ms'")


def snippet(name: str) -> Any:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split(f"<!-- ci:{name}:start -->\n", 1)[1].split(f"<!-- ci:{name}:end -->")[0]
    assert block.startswith("```yaml\n") and block.rstrip().endswith("```")
    return YAML(typ="safe").load(block.strip().removeprefix("```yaml").removesuffix("```"))


def github_steps() -> list[dict[str, Any]]:
    return list(snippet("github")["jobs"]["gates"]["steps"])


@dataclass
class Workspace:
    root: Path
    results: dict[str, int]

    @property
    def report(self) -> Path:
        return self.root / "asyncsim-out" / "quickstart"

    def junit_failures(self) -> list[str]:
        root = ET.parse(self.report / "junit.xml").getroot()
        return [c.get("name", "") for c in root.iter("testcase") if c.find("failure") is not None]


def run_snippet(tmp_path: Path, change: tuple[str, str] | None = None) -> Workspace:
    """A scratch checkout with the example and the baseline, and the snippet's steps run."""
    root = tmp_path / "checkout"
    (root / "examples" / "baselines").mkdir(parents=True)
    shutil.copy(REPO / "examples" / "quickstart.yaml", root / "examples")
    shutil.copy(REPO / "examples" / "baselines" / "quickstart.summary.json",
                root / "examples" / "baselines")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "asyncsim"     # what `pip install .` would put on PATH
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m asyncsim "$@"\n')
    shim.chmod(0o755)
    summary_file = tmp_path / "step_summary.md"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(REPO / "src"), "GITHUB_STEP_SUMMARY": str(summary_file)}
    results: dict[str, int] = {}
    failed = False
    for step in github_steps():
        script = step.get("run")
        if script is None or "pip install" in script:
            continue
        if failed and "always()" not in str(step.get("if", "")):
            continue
        if change is not None:
            assert change[0] in script or step["name"] != "Simulate and gate"
            script = script.replace(*change)
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                              cwd=root, env=env, capture_output=True, text=True, timeout=300)
        results[step["name"]] = done.returncode
        failed = failed or done.returncode != 0
    return Workspace(root, results)


def test_the_snippet_installs_asyncsim_then_runs_it() -> None:
    names = [s.get("name") for s in github_steps()]
    install = next(s for s in github_steps() if "pip install" in str(s.get("run", "")))
    assert install["run"].strip() == "python -m pip install ."
    assert names.index(install["name"]) < names.index("Simulate and gate")
    upload = next(s for s in github_steps() if "upload-artifact" in str(s.get("uses", "")))
    assert upload["with"]["path"] == "asyncsim-out/quickstart/"
    assert upload["if"] == "always()"


def test_readme_snippet_passes_then_fails_with_a_stricter_threshold(tmp_path: Path) -> None:
    passed = run_snippet(tmp_path / "pass")
    assert passed.results == {"Simulate and gate": 0, "Step summary": 0}
    assert passed.junit_failures() == []
    summary = json.loads((passed.report / "summary.json").read_text())
    assert summary["thresholds"]["ok"] is True
    checks = summary["baseline"]["checks"]
    # every rule compared (none skipped), paired on the baseline's seed
    assert {(c["gate"], c["strategy"], c["test"]) for c in checks} == {
        (g, s, "paired t") for g in ("p99:5%", "error_rate:0.02")
        for s in ("no-timeout", "timeout-300ms")}
    assert (tmp_path / "pass" / "step_summary.md").read_text().startswith(
        "### asyncsim · quickstart: ✅ all 6 gates passed")

    stricter = run_snippet(tmp_path / "strict", STRICT)
    assert stricter.results == {"Simulate and gate": 99, "Step summary": 0}
    assert stricter.junit_failures() == ["latency{strategy:timeout-300ms}: p(99) <= 250ms"]
    assert "❌ 1 of 6 gates failed" in (tmp_path / "strict" / "step_summary.md").read_text()


def test_gitlab_snippet_runs_the_same_command() -> None:
    def words(command: str) -> list[str]:
        return command.replace("\\\n", " ").split()

    job = snippet("gitlab")["asyncsim"]
    install, command = job["script"]
    assert install == "python -m pip install ."
    github = next(s["run"] for s in github_steps() if s.get("name") == "Simulate and gate")
    assert words(command) == words(github)
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == "asyncsim-out/quickstart/junit.xml"


@pytest.mark.parametrize("field", ["name", "seed", "duration_s", "warmup_s", "replications"])
def test_the_committed_baseline_is_a_run_of_the_bundled_example(field: str) -> None:
    from asyncsim.commands.common import load, scenario_meta

    baseline = json.loads((REPO / "examples" / "baselines" /
                           "quickstart.summary.json").read_text())
    example = scenario_meta(load(REPO / "examples" / "quickstart.yaml").scenario)
    assert baseline["scenario"][field] == example[field], (
        "refresh: asyncsim run examples/quickstart.yaml --out asyncsim-out/quickstart && cp "
        "asyncsim-out/quickstart/summary.json examples/baselines/quickstart.summary.json")


@pytest.mark.slow
def test_the_committed_baseline_is_what_the_documented_command_writes(tmp_path: Path) -> None:
    """The whole file, byte for byte: the README's refresh command, run now, writes exactly
    the committed baseline (the run is seeded, so equal code gives equal bytes)."""
    from typer.testing import CliRunner

    from asyncsim.cli import cli

    out = tmp_path / "quickstart"
    result = CliRunner().invoke(cli, ["run", str(REPO / "examples" / "quickstart.yaml"),
                                      "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    committed = (REPO / "examples" / "baselines" / "quickstart.summary.json").read_text()
    assert (out / "summary.json").read_text() == committed, (
        "refresh: asyncsim run examples/quickstart.yaml --out asyncsim-out/quickstart && cp "
        "asyncsim-out/quickstart/summary.json examples/baselines/quickstart.summary.json")
