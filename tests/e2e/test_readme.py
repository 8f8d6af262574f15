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


def workload_snippets() -> list[str]:
    readme = (REPO / "README.md").read_text()
    section = readme.split("### Workload shapes", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"```yaml\n(.+?)\n```", section, flags=re.DOTALL)


SNIPPET_BACKENDS = ("api", "row", "products", "config", "users", "posts", "pages", "feed",
                    "todos", "todos-write")


def test_every_workload_shape_in_the_readme_is_a_valid_scenario(tmp_path: Path) -> None:
    """Each snippet, given backends, validates as written (the trace one next to the
    example's CSV); and every unit of work and load model has one."""
    import shutil

    from asyncsim.commands.common import load

    snippets = workload_snippets()
    shutil.copy(REPO / "examples" / "trace-replay.csv", tmp_path)
    for index, snippet in enumerate(snippets):
        assert snippet.startswith("workload:\n"), snippet
        named = [b for b in SNIPPET_BACKENDS
                 if re.search(rf"(target|backend): {re.escape(b)}\b(?!-)", snippet)]
        backends = "".join(f"  {b}: {{workers: 10, latency: 10ms}}\n" for b in named)
        path = tmp_path / f"shape-{index}.yaml"
        path.write_text(f"version: 1\nname: shape\nduration: 10m\nbackends:\n{backends}"
                        f"{snippet}\nstrategies:\n  none: []\n")
        load(path)  # raises ScenarioError with file:line:col on a bad snippet
    text = "\n".join(snippets)
    for shape in ("arrivals: {poisson", "stages:", "closed:", "contention:", "trace:",
                  "pages:", "navigation:", "feed:", "live:", "mutations:"):
        assert shape in text, shape
