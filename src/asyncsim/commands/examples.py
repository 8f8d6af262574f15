"""``asyncsim examples``: the example scenarios bundled with the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def bundled_examples() -> dict[str, Path]:
    folder = resources.files("asyncsim") / "examples"
    return {Path(str(p)).stem: Path(str(p)) for p in folder.iterdir()
            if str(p).endswith(".yaml")}


def example_list() -> list[tuple[str, str]]:
    """(name, its first comment line) of every example, by name."""
    return [(name, next((line[2:].strip() for line in path.read_text().splitlines()
                         if line.startswith("# ") and "yaml-language-server" not in line), ""))
            for name, path in sorted(bundled_examples().items())]
