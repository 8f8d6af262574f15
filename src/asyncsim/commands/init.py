"""``asyncsim init``: copy a bundled example into a folder to start from."""

from __future__ import annotations

from pathlib import Path

from asyncsim.commands.examples import bundled_examples
from asyncsim.reports.files.writers import write_atomic


class ExampleError(ValueError):
    """An example that does not exist, or a copy that would overwrite a file (exit 2)."""


def init_example(name: str, directory: Path) -> Path:
    """Copy example ``name`` to ``directory/<name>.yaml``, with its data file
    (``<name>.csv``: a trace it replays) when it has one; never overwrites a file."""
    found = bundled_examples()
    if name not in found:
        raise ExampleError(f"no example {name!r} (allowed: {', '.join(sorted(found))})")
    target = directory / f"{name}.yaml"
    data = found[name].with_suffix(".csv")
    copies = [(found[name], target)] + ([(data, directory / data.name)] if data.is_file()
                                        else [])
    for _, path in copies:
        if path.exists():
            raise ExampleError(f"{path} exists; not overwriting")
    for source, path in reversed(copies):  # the scenario last: it needs its data
        write_atomic(path, source.read_text())
    return target
