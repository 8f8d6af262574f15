"""``asyncsim import har``: a browser recording -> a scenario file with its strategies.

The generated scenario is validated like any file before it is written, and written
atomically (temporary file, then rename): bad input leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from asyncsim.calibrate.har_scenario import GeneratedScenario, Grouping, import_har
from asyncsim.reports.files.output_set import write_output
from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.scenarios.load import validate_tree
from asyncsim.scenarios.yaml.reading import load_yaml_text


@dataclass(frozen=True)
class Imported:
    generated: GeneratedScenario
    written: Path | None
    """None when the scenario went to stdout (``-o -``)."""


def import_har_file(har: Path, out: Path | None, group: Grouping, gap_s: float,
                    name: str | None) -> Imported:
    """Generate, validate (as the file it will be), then write ``out`` (default:
    ``<har name>.yaml`` in the current folder; ``-`` for no file)."""
    generated = import_har(har, group=group, gap_s=gap_s, name=name)
    target = Path(f"{har.stem}.yaml") if out is None else out
    source = "<stdout>" if str(target) == "-" else str(target)
    validate_tree(load_yaml_text(generated.yaml, source), source, metrics=REGISTRY,
                  base_dir=target.parent)
    if str(target) == "-":
        return Imported(generated, None)
    write_output(target, generated.yaml)
    return Imported(generated, target)
