"""Issue 15's accuracy check: on every bundled example, percentiles read from the streaming
histograms agree with exact percentiles of the full request log, within the documented
relative error (sim/measure/histogram.py); counts, means and extremes agree exactly (means
to the last bit or two: the log's numpy mean is rounded pairwise, the summaries' exactly).

The full log is the test-only exact path: ``SimulationSpec.keep_requests`` (the default
outside the CLI) keeps every row beside the summaries the run streams into. One
replication of each strategy, as tests/e2e/test_examples.py runs them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asyncsim.commands.common import load, recovery_settings
from asyncsim.reports.metrics.core import request_classes
from asyncsim.reports.metrics.registry import Distribution, RunView
from asyncsim.scenarios.build import simulation_spec, strategy_specs
from asyncsim.sim.measure.histogram import RELATIVE_ERROR
from asyncsim.sim.simulation import Simulation

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))
PERCENTILES = [0.0, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0]
TOLERANCE = RELATIVE_ERROR * (1 + 1e-9)


def assert_agrees(found: Distribution, exact: np.ndarray, what: str) -> None:
    assert found.count == len(exact), what
    if len(exact) == 0:
        return
    assert found.min == float(exact.min()) and found.max == float(exact.max()), what
    assert found.mean == pytest.approx(float(np.mean(exact, dtype=np.float64)), rel=1e-13,
                                       abs=1e-300), what
    want = np.percentile(exact.astype(np.float64), PERCENTILES)
    got = np.array(found.histogram.percentiles(PERCENTILES))
    worst = np.max(np.abs(got - want) / np.where(want > 0, want, 1.0))
    assert worst <= TOLERANCE, f"{what}: relative error {worst:.3g}"
    assert np.all(got[want == 0] == 0), what


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_histogram_percentiles_match_the_full_log(example: Path) -> None:
    scenario = load(example).scenario
    spec = simulation_spec(scenario)
    assert spec.keep_requests
    for strategy in strategy_specs(scenario):
        result = Simulation(spec, strategy, 0).run()
        view = RunView(result, recovery_settings(scenario))
        assert view.summaries is result.summaries   # the streamed summaries, not rebuilt
        columns = result.requests
        measured = columns["t_start_s"] >= scenario.warmup
        latency = columns["latency_s"][measured]
        assert_agrees(view.latency(), latency, f"{strategy.name} latency")
        for name, index in request_classes(view):
            chosen = columns["request_class"][measured] == index
            assert_agrees(view.latency(index), latency[chosen], f"{strategy.name} {name}")
        delivered = columns["version"][measured] >= 0
        if result.changing_data:
            stale = columns["stale_s"][measured][delivered]
            assert_agrees(view.staleness(), stale, f"{strategy.name} staleness")
