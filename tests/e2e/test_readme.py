"""The README's quickstart: exactly two commands, the second being what .ci/run runs."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def quickstart_commands() -> list[str]:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_quickstart_has_exactly_two_commands() -> None:
    commands = quickstart_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    assert "asyncsim run examples/" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert quickstart_commands()[1] in ci


def test_readme_metric_table_is_the_registry() -> None:
    from asyncsim.reports.metrics.registry import metrics_markdown

    readme = (REPO / "README.md").read_text()
    block = readme.split("<!-- metrics:start -->\n", 1)[1].split("<!-- metrics:end -->", 1)[0]
    assert block == metrics_markdown(), "regenerate with: asyncsim metrics --markdown"


def test_readme_exit_code_table_is_every_exit_code() -> None:
    from asyncsim.exit_codes import ExitCode

    readme = (REPO / "README.md").read_text()
    section = readme.split("## Commands and exit codes", 1)[1].split("\n## ", 1)[0]
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", section, re.MULTILINE)}
    assert documented == {int(code) for code in ExitCode}
