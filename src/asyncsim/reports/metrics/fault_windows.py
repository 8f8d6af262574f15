"""The time around a run's faults, as the metrics look at it: before, during, after.

Why one module: the resilience metrics (``fault_backend_load``, ``breaker_recovery``), the
windowed values of ``error_rate`` and ``goodput`` and the recovery analysis must agree on
what "during the fault" means. Fault windows come from ``RunResult.faults`` and are
clipped to the measured window ``[warmup, duration]``; their ends are edges of the time bins
of the run's summaries, so ``RunView.bins_in`` selects the requests started in them exactly.
"""

from __future__ import annotations

from asyncsim.lang.thresholds import FAULT_WINDOWS
from asyncsim.reports.metrics.registry import RunView

WINDOWS = FAULT_WINDOWS


def fault_windows(view: RunView) -> list[tuple[float, float]]:
    """The union of the fault windows, clipped to the measured window, in time order."""
    start_s, end_s = view.result.warmup_s, view.result.duration_s
    clipped = sorted((max(at, start_s), min(end, end_s))
                     for at, end in ((f.start_s, f.end_s) for f in view.result.faults)
                     if min(end, end_s) > max(at, start_s))
    merged: list[tuple[float, float]] = []
    for start, end in clipped:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def window_spans(view: RunView) -> dict[str, list[tuple[float, float]]]:
    """Each non-empty window of :data:`WINDOWS` as time spans (none without a fault)."""
    during = fault_windows(view)
    if not during:
        return {}
    spans = {"before_fault": [(view.result.warmup_s, during[0][0])], "during_fault": during,
             "after_fault": [(during[-1][1], view.result.duration_s)]}
    return {name: [(a, b) for a, b in parts if b > a] for name, parts in spans.items()
            if any(b > a for a, b in parts)}
