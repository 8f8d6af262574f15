"""``asyncsim init``: copy a bundled example into a folder to start from."""

from __future__ import annotations

from pathlib import Path

from asyncsim.commands.examples import bundled_examples
from asyncsim.commands.schema import schema_text
from asyncsim.lang.suggest import did_you_mean
from asyncsim.reports.files.output_set import write_output


class ExampleError(ValueError):
    """An example that does not exist, or a copy that would overwrite a file (exit 2)."""


MODELINE = "# yaml-language-server: $schema=../asyncsim.schema.json"
SCHEMA_FILE = "asyncsim.schema.json"


def init_example(name: str, directory: Path) -> Path:
    """Copy example ``name`` to ``directory/<name>.yaml``, with its data file
    (``<name>.csv``: a trace it replays) when it has one; never overwrites a file.

    The examples' modeline points at the repository's schema (``../``), which is not there
    where the copy lands: the copy points at ``asyncsim.schema.json`` beside it, written
    too when the folder has none, so an editor validates the file at once."""
    found = bundled_examples()
    if name not in found:
        hint = did_you_mean(name, found)
        raise ExampleError(f"no example {name!r}" + (f" (did you mean {hint!r}?)" if hint else "")
                           + f"; allowed: {', '.join(sorted(found))}")
    target = directory / f"{name}.yaml"
    data = found[name].with_suffix(".csv")
    copies = [(found[name], target)] + ([(data, directory / data.name)] if data.is_file()
                                        else [])
    for _, path in copies:
        if path.exists():
            raise ExampleError(f"{path} exists; not overwriting")
    for source, path in reversed(copies[1:]):  # the scenario last: it needs its data
        write_output(path, source.read_text())
    text = found[name].read_text().replace(MODELINE, f"# yaml-language-server: "
                                                     f"$schema={SCHEMA_FILE}", 1)
    if not (directory / SCHEMA_FILE).exists():
        write_output(directory / SCHEMA_FILE, schema_text())
    write_output(target, text)
    return target
