"""Architecture boundaries: package arrows go one way, and the model is a plain library.

The arrows (docs/architecture.md): cli -> commands -> {scenarios, runner, reports,
calibrate, lang}; scenarios -> {sim, lang}; reports -> {sim, lang}; runner -> sim;
calibrate -> lang; scenarios -> calibrate (trace files); sim and lang -> nothing of
ours. They are read from the source with ``ast`` (every import, TYPE_CHECKING ones
included: a type-only back arrow is still an arrow), so a back arrow fails here with
its file and line before anyone imports it.
Third-party weight is checked in a fresh interpreter, since imports are process-wide.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "asyncsim"

ALLOWED: dict[str, set[str]] = {
    "sim": set(),
    "lang": set(),
    "exit_codes": set(),
    "runner": {"sim"},
    "scenarios": {"sim", "lang", "calibrate", "version"},
    "reports": {"sim", "lang", "version"},
    "calibrate": {"lang"},
    "commands": {"scenarios", "runner", "reports", "calibrate", "lang", "sim", "exit_codes",
                 "version"},
    "cli": {"commands", "scenarios", "runner", "reports", "calibrate", "lang", "exit_codes",
            "version"},
    "__main__": {"cli"},
    "__init__": set(),
}
"""What each part of the package may import (besides itself). ``version`` is
``from asyncsim import __version__``; ``sim`` is allowed to commands for the spec types
they hand the runner; ``calibrate`` is allowed to scenarios so a trace file is read and
checked at validation (calibrate imports only lang, numpy, scipy). cli does the work
through commands, and reads the others only for what it prints and exits with
(renderers, error types, the executor option)."""


def part_of(module: str) -> str:
    """The architectural part a dotted module name belongs to (``asyncsim.sim.x`` -> sim)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imported_parts(path: Path, module: str) -> Iterator[tuple[int, str]]:
    """(line, part) for every import of ``asyncsim`` in one source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "asyncsim":
                    yield node.lineno, part_of(alias.name)
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:  # relative: resolve against this module's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, target] if target else base)
            if target == "asyncsim":
                names = {alias.name for alias in node.names}
                yield node.lineno, "version" if names == {"__version__"} else "__init__"
            elif target.split(".")[0] == "asyncsim":
                yield node.lineno, part_of(target)


def back_arrows(src: Path) -> list[str]:
    """Every import that goes against the arrows, as ``file:line: a -> b``."""
    found = []
    for path in sorted(src.rglob("*.py")):
        module = ".".join(("asyncsim", *path.relative_to(src).with_suffix("").parts))
        if module.endswith(".__init__"):
            module = module.removesuffix(".__init__")
        source = part_of(module) if "." in module else "__init__"
        if source not in ALLOWED:
            found.append(f"{path.relative_to(src)}:1: {source} is not a known part")
            continue
        for line, target in imported_parts(path, module):
            if target != source and target not in ALLOWED[source]:
                found.append(f"{path.relative_to(src)}:{line}: {source} -> {target}")
    return found


def test_package_arrows_go_one_way() -> None:
    arrows = back_arrows(SRC)
    assert not arrows, "imports against the package arrows:\n" + "\n".join(arrows)


def test_a_back_arrow_is_found(tmp_path: Path) -> None:
    """The checker itself: a deliberate scenarios -> reports import is reported."""
    package = tmp_path / "asyncsim"
    (package / "scenarios").mkdir(parents=True)
    (package / "sim").mkdir()
    (package / "scenarios" / "x.py").write_text(
        "from asyncsim.sim.y import Z\nfrom asyncsim.reports.metrics import M\n")
    (package / "sim" / "y.py").write_text("from ..lang import units\nimport asyncsim.sim.z\n")
    assert back_arrows(package) == ["scenarios/x.py:2: scenarios -> reports",
                                    "sim/y.py:1: sim -> lang"]


def _modules_after(statement: str) -> set[str]:
    code = (f"import sys; {statement}; "
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return set(done.stdout.split())


def test_sim_is_a_plain_library() -> None:
    modules = sorted(".".join(("asyncsim", *p.relative_to(SRC).with_suffix("").parts))
                     .removesuffix(".__init__") for p in (SRC / "sim").rglob("*.py"))
    loaded = _modules_after("import " + ", ".join(modules))
    assert not loaded & {"ruamel", "yaml", "pydantic", "pandas", "plotly", "rich", "typer"}


@pytest.mark.parametrize("module", ["asyncsim.cli", "asyncsim.commands.run", "asyncsim.runner"])
def test_running_a_simulation_does_not_load_plotting_or_pandas(module: str) -> None:
    """pandas, plotly and pyarrow cost ~80 MB of memory: only writers load them."""
    assert not _modules_after(f"import {module}") & {"pandas", "plotly", "pyarrow"}


HEAVY = {"pydantic", "ruamel", "numpy", "simpy", "scipy", "pandas", "plotly", "pyarrow",
         "dask", "distributed"}
"""What takes most of a second to import; ``asyncsim --help`` must need none of it."""


def test_help_loads_typer_only() -> None:
    """The command line builds its help without the models, and without rich, whose help
    formatter alone takes longer to import than the whole of ``--help`` may (issue 15:
    --help <= 0.3 s)."""
    code = ("import sys\nfrom asyncsim.cli import main\nsys.argv = ['asyncsim', '--help']\n"
            "try:\n    main()\nexcept SystemExit as done:\n    assert done.code == 0\n"
            "print('MODULES', ' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert "Commands:" in done.stdout
    loaded = set(done.stdout.split("MODULES", 1)[1].split())
    unwanted = HEAVY | {"rich", "markdown_it", "pygments"}
    assert {"typer", "asyncsim"} <= loaded
    assert not loaded & unwanted, sorted(loaded & unwanted)


def test_the_script_leaves_what_it_built_out_of_the_exit_collection() -> None:
    """main() freezes the heap on the way out (even through SystemExit), so the
    interpreter's exit does not walk it for cycles."""
    code = ("import gc, sys\nfrom asyncsim.cli import main\nsys.argv = ['asyncsim', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    print('FROZEN', gc.get_freeze_count())")
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert int(done.stdout.split("FROZEN", 1)[1]) > 1000


def test_validate_and_schema_load_no_simulation_or_report_libraries(tmp_path: Path) -> None:
    """validate reads YAML into the pydantic models and checks them: no pandas, plotly,
    scipy or Dask (the simulation's own modules load: the checks build its specs)."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text((SRC / "examples" / "quickstart.yaml").read_text())
    for argv in (["validate", str(scenario)], ["schema"]):
        loaded = _modules_after(
            "from typer.testing import CliRunner; from asyncsim.cli import cli; "
            f"assert CliRunner().invoke(cli, {argv!r}).exit_code == 0")
        assert not loaded & {"pandas", "plotly", "pyarrow", "scipy", "dask", "distributed"}, (
            argv, sorted(loaded & HEAVY))
