"""Recovery after a fault: did the system come back, how long did it take, is it stuck?

A metastable failure outlives its trigger (Bronson et al., HotOS 2021; Huang et al.,
OSDI 2022): the fault ends but goodput does not come back. For each fault of a run:

- **baseline**: goodput (successful requests per second, by start time) and latency p99 of
  the requests that started between the end of the previous fault (or the warm-up) and the
  fault's start;
- **recovery**: the first instant ``t`` on a grid of ``step`` after the fault's end such
  that the requests started in ``[t, t + hold)`` have goodput of at least
  ``(1 - tolerance)`` times the baseline and a p99 of at most ``(1 + tolerance)`` times
  the baseline. ``recovery_time`` is ``t`` minus the fault's end;
- **metastable**: no such window fits before the end of the run. Its ``recovery_time`` is
  then censored at the time the run still had after the fault (a lower bound), so a
  threshold such as ``recovery_time: max < 30s`` fails for it rather than having no value.

Why a pooled window rather than a per-step test: one second of a 100 req/s run holds
100 latencies, whose p99 wanders by ~20%; ten seconds pooled wander by ~6%, so a
tolerance of 20% judges the system, not the noise.

Why start times: a request counts where its user began it, as for ``goodput_end``; a
request that waited out the fault in a retry loop is charged to the fault.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from asyncsim.lang.thresholds import fault_labels as lang_fault_labels
from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.metrics.fault_windows import fault_windows
from asyncsim.reports.metrics.registry import RunView, Values, metric, trend
from asyncsim.sim.measure.summaries import recovery_grid
from asyncsim.sim.outcome import Status
from asyncsim.sim.simulation import FaultWindow

BASELINE_PERCENTILE = 99.0


@dataclass(frozen=True)
class FaultRecovery:
    """What the recovery analysis found for one fault of one run."""

    label: str                  # "<backend>#<n>": the n-th fault of that backend (from 1)
    end_s: float                # when the fault ended
    baseline_goodput: float     # req/s
    baseline_p99_s: float
    recovered: bool
    recovery_time_s: float      # censored at the run's end when not recovered


def fault_labels(faults: tuple[FaultWindow, ...]) -> list[tuple[str, FaultWindow]]:
    """Each fault with its label, in start order (``api#1``, ``api#2``, ``db#1``)."""
    ordered = sorted(faults, key=lambda f: (f.start_s, f.backend, f.end_s))
    labels = lang_fault_labels((f.backend, f.start_s, f.end_s) for f in ordered)
    return list(zip(labels, ordered, strict=True))


def analyse(view: RunView) -> list[FaultRecovery]:
    """The recovery of each fault that has a baseline (some requests before it, some of
    them successful) and ends inside the measured window ``[warmup_s, end_s]``.

    Every window here (a baseline, a hold window on the grid) is a union of the run's time
    bins, whose edges include them (sim/measure/summaries.py): counts are exact, the p99s
    carry the histograms' relative error."""
    result, settings = view.result, view.recovery
    warmup_s, end_s, faults = result.warmup_s, result.duration_s, result.faults
    ok_by_bin = view.status_by_bin[:, int(Status.OK)]
    cumulative_ok = np.concatenate(([0], np.cumsum(ok_by_bin)))
    cumulative = np.concatenate(([0], np.cumsum(view.status_by_bin.sum(axis=1))))
    found = []
    for label, fault in fault_labels(faults):
        if not warmup_s < fault.start_s < end_s or fault.end_s >= end_s:
            continue
        previous = [f.end_s for f in faults if f.end_s <= fault.start_s]
        begin = max([warmup_s, *previous])
        lo, hi = view.bin_at(begin), view.bin_at(fault.start_s)
        if cumulative[hi] == cumulative[lo] or cumulative_ok[hi] == cumulative_ok[lo]:
            continue
        goodput = float(cumulative_ok[hi] - cumulative_ok[lo]) / (fault.start_s - begin)
        p99 = _p99(view, lo, hi)
        recovered_at = None
        for t in recovery_grid(fault.end_s, end_s, settings.step_s, settings.hold_s):
            lo, hi = view.bin_at(t), view.bin_at(t + settings.hold_s)
            window_goodput = float(cumulative_ok[hi] - cumulative_ok[lo]) / settings.hold_s
            if (cumulative[hi] > cumulative[lo]
                    and window_goodput >= (1 - settings.tolerance) * goodput
                    and _p99(view, lo, hi) <= (1 + settings.tolerance) * p99):
                recovered_at = t
                break
        found.append(FaultRecovery(
            label, fault.end_s, goodput, p99, recovered_at is not None,
            (recovered_at if recovered_at is not None else end_s) - fault.end_s))
    return found


def _p99(view: RunView, first_bin: int, end_bin: int) -> float:
    return view.summaries.window_latency(first_bin, end_bin).percentiles(
        [BASELINE_PERCENTILE])[0]


def run_recovery(view: RunView) -> list[FaultRecovery]:
    """The recovery analysis of a run, computed once per view."""
    if "recovery" not in view.memo:
        view.memo["recovery"] = analyse(view)
    found: list[FaultRecovery] = view.memo["recovery"]  # type: ignore[assignment]
    return found


def _per_fault(name: str, found: list[FaultRecovery], first: float,
               value: list[float]) -> Values:
    tagged = {str(ValueKey(name, tag=f"fault:{f.label}")): v
              for f, v in zip(found, value, strict=True)}
    return {name: first, **tagged}


@metric("recovery_time", "trend", "s", "lower",
        "time from a fault's end until goodput and p99 are back within the recovery "
        "tolerance of the pre-fault baseline for the hold time (statistics over the run's "
        "faults; a fault never recovered from counts the rest of the run, a lower bound)",
        family="recovery", idle=math.nan)
def recovery_time(view: RunView) -> Values:
    found = run_recovery(view)
    if not found:
        return {}
    return trend("recovery_time", np.array([f.recovery_time_s for f in found]))


@metric("recovered", "rate", "1", "higher",
        "whether the run recovered from every fault (per fault with a fault tag); over "
        "replications, P(recovered) with a Wilson 95% interval", family="recovery",
        tags=("fault",), idle=math.nan, interval="wilson")
def recovered(view: RunView) -> Values:
    found = run_recovery(view)
    if not found:
        return {}
    flags = [float(f.recovered) for f in found]
    return _per_fault("recovered", found, float(min(flags)), flags)


@metric("metastable", "rate", "1", "lower",
        "whether some fault was not recovered from by the end of the run (goodput or p99 "
        "stayed off the baseline after the trigger ended); over replications, "
        "P(metastable) with a Wilson 95% interval", family="recovery", tags=("fault",),
        idle=math.nan, interval="wilson")
def metastable(view: RunView) -> Values:
    found = run_recovery(view)
    if not found:
        return {}
    flags = [float(not f.recovered) for f in found]
    return _per_fault("metastable", found, float(max(flags)), flags)


@metric("baseline_goodput", "gauge", "req/s", "none",
        "goodput before a fault (since the warm-up or the previous fault): what recovery "
        "is measured against; untagged, before the first fault", family="recovery",
        tags=("fault",), idle=math.nan)
def baseline_goodput(view: RunView) -> Values:
    found = run_recovery(view)
    if not found:
        return {}
    values = [f.baseline_goodput for f in found]
    return _per_fault("baseline_goodput", found, values[0], values)


@metric("baseline_p99", "gauge", "s", "none",
        "latency p99 before a fault (since the warm-up or the previous fault): what "
        "recovery is measured against; untagged, before the first fault",
        family="recovery", tags=("fault",), idle=math.nan)
def baseline_p99(view: RunView) -> Values:
    found = run_recovery(view)
    if not found:
        return {}
    values = [f.baseline_p99_s for f in found]
    return _per_fault("baseline_p99", found, values[0], values)


@metric("queue_growth", "gauge", "calls/s", "lower",
        "least-squares slope of the faulted backends' queue length during the faults and "
        "after the last one: positive during a fault is a backlog building, still positive "
        "or flat-high after it is a backlog that does not drain", family="recovery",
        tags=("window",), idle=math.nan)
def queue_growth(view: RunView) -> Values:
    during = fault_windows(view)
    if not during:
        return {}
    result = view.result
    faulted = sorted({f.backend for f in result.faults})
    queues = [result.series_averages[f"queue:{b}"] for b in faulted
              if f"queue:{b}" in result.series_averages]
    if not queues:
        return {}
    queue = np.sum(queues, axis=0)
    width = result.series_bin_s
    centres = (np.arange(len(queue)) + 0.5) * width
    out: Values = {}
    for window, spans in (("during_fault", during),
                          ("after_fault", [(during[-1][1], result.duration_s)])):
        inside = np.zeros(len(queue), dtype=bool)
        for start, end in spans:
            inside |= (centres - width / 2 >= start - 1e-9) & (centres + width / 2 <= end + 1e-9)
        if inside.sum() >= 2:
            slope = float(np.polyfit(centres[inside], queue[inside], 1)[0])
            out[str(ValueKey("queue_growth", tag=f"window:{window}"))] = (
                0.0 if math.isclose(slope, 0.0, abs_tol=1e-12) else slope)
    return out
