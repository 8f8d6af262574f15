"""Architecture boundaries, checked in a fresh interpreter (imports are process-wide)."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _modules_after(statement: str) -> set[str]:
    code = (f"import sys; {statement}; "
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return set(done.stdout.split())


def test_sim_is_a_plain_library() -> None:
    loaded = _modules_after("import asyncsim.sim, asyncsim.sim.layers.cache.layer, "
                            "asyncsim.sim.layers.retry.layer, "
                            "asyncsim.sim.workload.units.live_view")
    assert not loaded & {"ruamel", "yaml", "pydantic", "pandas", "plotly", "rich", "typer"}


@pytest.mark.parametrize("module", ["asyncsim.commands.run", "asyncsim.cli", "asyncsim.runner"])
def test_running_a_simulation_does_not_load_plotting_or_pandas(module: str) -> None:
    """pandas, plotly and pyarrow cost ~80 MB of memory: only writers load them."""
    assert not _modules_after(f"import {module}") & {"pandas", "plotly", "pyarrow"}
