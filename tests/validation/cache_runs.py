"""Run one strategy of a scenario (YAML text) and hand back its measured window.

The validation cases go through the scenario language on purpose: the numbers then check
the whole path a user's cache settings take, not just the sim layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asyncsim.scenarios.build import simulation_spec, strategy_specs
from asyncsim.sim.outcome import Source
from asyncsim.sim.simulation import RunResult, Simulation
from tests.helpers import scenario_from_yaml
from tests.validation import theory


@dataclass
class Measured:
    result: RunResult
    columns: dict[str, np.ndarray]  # requests started after warm-up, in start order
    window_s: float

    def share(self, *sources: Source, batches: int = 30) -> tuple[float, float]:
        """(share of requests served from these sources, batch-means SE)."""
        chosen = np.isin(self.columns["source"], [int(s) for s in sources]).astype(float)
        return theory.batch_means_se(chosen, batches=batches)

    def mean_latency(self) -> tuple[float, float]:
        return theory.batch_means_se(self.columns["latency_s"], batches=30)

    def series_rate(self, name: str) -> tuple[float, float]:
        """(mean per second of a counted series over the window, batch-means SE over bins)."""
        result = self.result
        first = int(np.ceil(result.warmup_s / result.series_bin_s - 1e-9))
        per_bin = result.series_counts[name][first:] / result.series_bin_s
        return theory.batch_means_se(per_bin, batches=20)

    def series_average(self, name: str, batches: int = 20) -> tuple[float, float]:
        """(time average of a gauge series over the window, batch-means SE over bins)."""
        result = self.result
        first = int(np.ceil(result.warmup_s / result.series_bin_s - 1e-9))
        averages = result.series_averages[name][first:]
        return theory.batch_means_se(averages[np.isfinite(averages)], batches=batches)


def run_strategy(text: str, strategy: str, replication: int = 0) -> Measured:
    scenario = scenario_from_yaml(text)
    (chosen,) = [s for s in strategy_specs(scenario) if s.name == strategy]
    result = Simulation(simulation_spec(scenario), chosen, replication).run()
    starts = result.requests["t_start_s"]
    order = np.argsort(starts, kind="stable")
    order = order[starts[order] >= result.warmup_s]
    columns = {name: values[order] for name, values in result.requests.items()}
    return Measured(result, columns, result.duration_s - result.warmup_s)
