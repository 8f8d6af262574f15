"""``asyncsim init``: copy a bundled example into a folder to start from."""

from __future__ import annotations

from pathlib import Path

from asyncsim.commands.examples import bundled_examples
from asyncsim.lang.suggest import did_you_mean
from asyncsim.reports.files.writers import write_atomic


class ExampleError(ValueError):
    """An example that does not exist, or a copy that would overwrite a file (exit 2)."""


def init_example(name: str, directory: Path) -> Path:
    """Copy example ``name`` to ``directory/<name>.yaml``; never overwrites a file."""
    found = bundled_examples()
    if name not in found:
        hint = did_you_mean(name, found)
        raise ExampleError(f"no example {name!r}" + (f" (did you mean {hint!r}?)" if hint else "")
                           + f"; allowed: {', '.join(sorted(found))}")
    target = directory / f"{name}.yaml"
    if target.exists():
        raise ExampleError(f"{target} exists; not overwriting")
    write_atomic(target, found[name].read_text())
    return target
