"""Offset pagination under head inserts against docs/validation.md case 14; cursor shows none.

One reader at a time (a closed workload of one user), so walks see disjoint stretches of
the insert process and are independent, as the case assumes. Reads are snapshots at the
moment the answer arrives; with a constant 100 ms latency and a constant read time of
t - 100 ms, consecutive snapshots are exactly t apart. Run lengths follow the case's
tolerance note (1.7e3 walks for ±1 % on the first row); assertions are 4 batch-means SE.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from asyncsim.scenarios.build import simulation_spec, strategy_specs
from asyncsim.sim import Simulation
from asyncsim.sim.workload.logs.columns import SessionLog
from tests.helpers import scenario_from_yaml
from tests.validation.theory import (
    assert_close_4se,
    batch_means_se,
    offset_pagination_expected_duplicates,
    offset_pagination_p_any_duplicate,
)


def walks(k: int, pages: int, rate: float, t: float, walks: int, deletes: float = 0.0,
          items: int = 100_000) -> dict[str, dict[str, np.ndarray]]:
    duration = walks * ((pages - 1) * t + 0.2)  # a walk: P reads t apart, 2 latencies
    text = f"""
    version: 1
    name: case-14
    seed: 14
    duration: {duration:g}s
    backends:
      feed: {{workers: 4, latency: 100ms}}
    workload:
      target: feed
      closed: {{think_time: 1ms}}
      feed:
        items: {items}
        inserts: {rate:g}/s
        deletes: {deletes:g}/s
        page_size: {k}
        pages: {pages}
        read_time: {t - 0.1:g}s
    strategies:
      offset: [{{pagination: offset}}]
      cursor: [{{pagination: cursor}}]
    """
    scenario = scenario_from_yaml(text)
    spec = simulation_spec(scenario)
    return {s.name: Simulation(spec, s, 0).run().logs[SessionLog].columns()
            for s in strategy_specs(scenario)}


@pytest.mark.parametrize(("k", "pages", "rate", "t", "count", "printed"), [
    (20, 10, 0.5, 5.0, 2_000, 22.5),
    (50, 5, 1.0, 2.0, 5_000, 8.0),
    (20, 2, 0.5, 5.0, 8_000, 2.5),
])
def test_offset_duplicates_match_case_14_and_cursor_has_none(
        k: int, pages: int, rate: float, t: float, count: int, printed: float) -> None:
    sessions = walks(k, pages, rate, t, count)
    offset, cursor = sessions["offset"], sessions["cursor"]
    assert len(offset["duplicates"]) > 0.99 * count
    theory = offset_pagination_expected_duplicates(k, pages, rate, t)
    assert theory == pytest.approx(printed, abs=5e-5)
    assert_close_4se(*batch_means_se(offset["duplicates"]), theory, f"E[dups] k={k} P={pages}")
    assert offset["skipped"].sum() == 0  # inserts only: nothing is skipped
    assert cursor["duplicates"].sum() == 0 and cursor["skipped"].sum() == 0
    if pages == 2:
        any_duplicate = (offset["duplicates"] > 0).astype(float)
        assert_close_4se(*batch_means_se(any_duplicate),
                         offset_pagination_p_any_duplicate(pages, rate, t), "P(any dup)")


def test_deletions_above_the_reader_skip_items_under_offset_but_not_under_cursor() -> None:
    """Deletes only (case 14: one skip per deletion of an already-passed item).

    Between reads j and j+1 (t apart) the reader has passed j*k of N items, so
    E[skips] = d t k/N * sum_{j<P} j = d t k P (P-1) / (2N). N shrinks from N0 by d per
    second over the run, so 1/N is averaged over it: ln(N0/N1) / (N0 - N1). Long reads
    (t = 10 s) make many deletions per request: about 9 skips per walk, 150 walks.
    """
    k, pages, t, d, n0, count = 100, 40, 10.0, 0.1, 12_000, 150
    sessions = walks(k, pages, 0.0, t, count, deletes=d, items=n0)
    assert len(sessions["offset"]["skipped"]) >= count - 1
    n1 = n0 - d * count * ((pages - 1) * t + 0.2)
    mean_inverse_n = math.log(n0 / n1) / (n0 - n1)
    theory = d * t * k * pages * (pages - 1) / 2 * mean_inverse_n
    assert_close_4se(*batch_means_se(sessions["offset"]["skipped"]), theory, "E[skips]")
    assert sessions["offset"]["duplicates"].sum() == 0
    assert sessions["cursor"]["skipped"].sum() == 0 and sessions["cursor"]["duplicates"].sum() == 0
