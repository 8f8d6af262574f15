"""``abort_on_fail``: stop a run early when one of its thresholds fails (k6's abortOnFail).

The model cannot import reports, so it takes a :class:`~asyncsim.sim.simulation.StopCheck`
whose predicate is :class:`AbortOnFail`: every ``every_s`` of simulated time it computes
the thresholds' metrics on the run so far with the same registry code as the final
summary, and names the first failing threshold. Each run decides alone, from its own
numbers, so an early stop is as deterministic as the run (a run of one strategy never
stops another: they may be in other processes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from asyncsim.lang.thresholds import Threshold
from asyncsim.reports.gates.thresholds import extra_percentiles, observed_in_run
from asyncsim.reports.metrics.registry import RecoverySettings, RunView
from asyncsim.reports.reduction import metric_values
from asyncsim.sim.simulation import RunResult, StopCheck

CHECKS_PER_RUN = 100
"""Checks spread over the measured window: bounds their cost (each reads the whole log)
at the price of stopping up to 1% of the window after the threshold first fails."""


@dataclass(frozen=True)
class AbortOnFail:
    """The predicate of the stop check: the text of a failing threshold, or None."""

    thresholds: tuple[Threshold, ...]
    extra_percentiles: tuple[float, ...] = ()
    recovery: RecoverySettings | None = None

    def __call__(self, snapshot: RunResult) -> str | None:
        now_s = snapshot.duration_s
        due = [t for t in self.thresholds
               if t.applies_to(snapshot.strategy) and now_s >= t.delay_abort_eval_s]
        if not due:
            return None
        view = RunView(snapshot, self.recovery)
        if view.count == 0:
            return None
        values = metric_values(view, self.extra_percentiles,
                               sorted({t.target.metric for t in due}))
        for threshold in due:
            observed = observed_in_run(threshold, values, view.window_s)
            # No value yet is no verdict yet: keep running (the final check will say).
            if observed is not None and not threshold.passes(observed):
                return threshold.text
        return None


def stop_check(thresholds: Sequence[Threshold], duration_s: float,
               warmup_s: float, recovery: RecoverySettings | None = None) -> StopCheck | None:
    """The stop check for the ``abort_on_fail`` thresholds, or None when there are none."""
    aborting = tuple(t for t in thresholds if t.abort_on_fail)
    if not aborting:
        return None
    return StopCheck((duration_s - warmup_s) / CHECKS_PER_RUN,
                     AbortOnFail(aborting, extra_percentiles(aborting), recovery))
