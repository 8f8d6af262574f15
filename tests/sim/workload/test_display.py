"""Display integrals against a brute-force reference, and written data versions against a
plain merged list of change times."""

from __future__ import annotations

import math
from bisect import bisect_right
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncsim.sim.data import PoissonChangeModel
from asyncsim.sim.data_writes import WritableData
from asyncsim.sim.workload.display import Display


class ListData:
    """Change times given as a list: version v is current from times[v-1] to times[v]."""

    def __init__(self, times: list[float]) -> None:
        self.times = sorted(times)

    def version(self, key: int, now: float) -> int:
        return bisect_right(self.times, now)

    def superseded_at(self, key: int, version: int) -> float:
        return self.times[version] if version < len(self.times) else math.inf


def reference(times: list[float], events: list[tuple[float, str, float]], start: float,
              end: float) -> dict[str, float]:
    """Integrate by brute force: cut time at every change and event, and evaluate each
    piece at its midpoint (every integrand is linear within a piece)."""
    cuts = sorted({start, end, *[t for t in times if start < t < end],
                   *[t for t, _, _ in events if start < t < end]})
    totals = dict.fromkeys(("visible_s", "stale_s", "stale_age_area", "age_area",
                            "behind_area"), 0.0)
    for a, b in pairwise(cuts):
        mid = (a + b) / 2
        version, got_at, visible = -1, math.nan, True
        for t, kind, value in events:  # the state at mid: replay the events before it
            if t > mid:
                break
            if kind == "show":
                version, got_at = int(value), t
            else:
                visible = bool(value)
        if not visible or version < 0:
            continue
        width = b - a
        current = bisect_right(times, mid)
        superseded = times[version] if version < len(times) else math.inf
        totals["visible_s"] += width
        totals["age_area"] += width * (mid - got_at)
        totals["behind_area"] += width * (current - version)
        if mid > superseded:
            totals["stale_s"] += width
            totals["stale_age_area"] += width * (mid - superseded)
    return totals


@settings(max_examples=100, deadline=None)
@given(gaps=st.lists(st.floats(0.01, 5.0), min_size=0, max_size=30),
       steps=st.lists(st.tuples(st.floats(0.01, 4.0), st.booleans(), st.integers(0, 6)),
                      min_size=1, max_size=25),
       window=st.tuples(st.floats(0.0, 10.0), st.floats(0.0, 40.0)))
def test_integrals_match_brute_force(gaps: list[float], steps: list[tuple[float, bool, int]],
                                     window: tuple[float, float]) -> None:
    times = list(np.cumsum(gaps)) if gaps else []
    data = ListData(times)
    display = Display(data, 0, 0.0, visible=True)
    events: list[tuple[float, str, float]] = []
    start, end = window[0], window[0] + window[1]
    started, t = False, 0.0
    for gap, is_show, back in steps:
        t += gap
        if t >= end:
            break
        if not started and t >= start:
            display.start_window(start)
            started = True
        if is_show:
            version = max(data.version(0, t) - back, 0)  # a value at most `back` versions old
            display.show(t, version)
            events.append((t, "show", version))
        else:
            display.set_visible(t, not display.visible)
            events.append((t, "visible", display.visible))
    if not started:
        display.start_window(start)
    display.end_window(end)
    expected = reference(times, events, start, end)
    for name, value in expected.items():
        assert math.isclose(getattr(display, name), value, rel_tol=1e-9, abs_tol=1e-9), name


def test_versions_seen_judge_the_versions_superseded_in_the_window() -> None:
    data = ListData([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])  # version v is current in [v, v + 1)
    display = Display(data, 0, 0.0, visible=True)
    display.show(0.2, 0)
    display.show(1.2, 1)  # seen before the window, superseded in it: counts
    display.start_window(1.5)
    display.show(2.5, 2)
    display.set_visible(2.6, False)
    display.show(3.5, 3)  # hidden: not seen
    display.set_visible(3.7, True)  # 3 is seen now
    display.show(4.5, 3)  # the same version again: counted once
    display.show(5.5, 5)  # 4 never shown; 5 shown, but still current at the end
    assert display.end_window(5.8) == 4  # versions 1, 2, 3, 4 were superseded in the window
    assert display.versions_seen == 3  # 1, 2, 3


@settings(max_examples=100, deadline=None)
@given(base_gaps=st.lists(st.floats(0.01, 3.0), max_size=20),
       write_gaps=st.lists(st.floats(0.0, 3.0), max_size=20))
def test_written_versions_merge_background_changes_and_writes(base_gaps: list[float],
                                                             write_gaps: list[float]) -> None:
    base_times = list(np.cumsum(base_gaps)) if base_gaps else []
    data = WritableData(ListData(base_times))
    heard: list[tuple[int, float]] = []
    data.listen(7, lambda key, version, at: heard.append((version, at)))
    writes: list[float] = []
    returned: list[int] = []
    t = 0.0
    for gap in write_gaps:
        t += gap
        returned.append(data.write(7, t, writer=1))
        writes.append(t)
        assert returned[-1] == bisect_right(sorted(base_times + writes), t)
    merged = sorted(base_times + writes)
    for version in range(len(merged) + 2):
        expected = merged[version] if version < len(merged) else math.inf
        assert data.superseded_at(7, version) == expected
    for probe in [*merged, *(x + 0.005 for x in merged), 0.0]:
        assert data.version(7, probe) == bisect_right(merged, probe)
    assert heard == list(zip(returned, writes, strict=True))


def test_written_data_keeps_the_background_process_of_its_key() -> None:
    base = PoissonChangeModel(0.5, base=12345)
    plain = PoissonChangeModel(0.5, base=12345)
    data = WritableData(base)
    data.write(3, 10.0, writer=0)
    assert data.version(3, 9.99) == plain.version(3, 9.99)
    assert data.version(3, 50.0) == plain.version(3, 50.0) + 1
    assert data.version(4, 50.0) == plain.version(4, 50.0)


def test_stale_time_is_cut_at_bin_edges() -> None:
    from asyncsim.sim.workload.logs.live import StaleTime

    bins = StaleTime(duration_s=4.0, bins=4)
    bins.add(bins.visible_s, 0.5, 2.25)
    bins.add(bins.visible_s, 3.5, 5.0)  # past the end: the last bin takes it
    assert bins.visible_s == [0.5, 1.0, 0.25, 1.5]
    assert bins.stale_s == [0.0] * 4


def test_staleness_over_time_adds_up_to_visible_staleness() -> None:
    """The report's per-bin series sum, over the run, to the metric's integrals."""
    from pathlib import Path

    from asyncsim.commands.common import load
    from asyncsim.commands.run import run_scenario

    example = Path(__file__).resolve().parents[3] / "examples" / "live-dashboard.yaml"
    output = run_scenario(load(example, ["duration=8m", "warmup=1m", "replications=1"]), None,
                          jobs=1)
    checked = 0
    for run in output.runs:
        stale, visible = run.series["stale_visible_s"], run.series["visible_s"]
        assert len(visible) == len(run.series["time_s"])
        assert sum(visible[: int(len(visible) / 8) - 1]) == 0  # warm-up: not measured
        assert sum(stale) / sum(visible) == pytest.approx(run.values["visible_staleness"],
                                                          rel=1e-9)
        checked += 1
    assert checked == len(output.runs) > 1
