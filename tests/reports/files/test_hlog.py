"""--hlog: an HdrHistogram interval log that HdrHistogram's own reader reads back, with
every request of every replication, per strategy, within the documented error."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from asyncsim.commands.common import load
from asyncsim.commands.run import run_scenario
from asyncsim.reports.files.hlog import HIGHEST_NS, SIGNIFICANT_DIGITS
from asyncsim.reports.files.outputs import OutputOptions
from asyncsim.sim.measure.histogram import RELATIVE_ERROR, merged
from tests.optional import need_module
from tests.reports import scenarios


def test_the_log_reads_back_with_hdrhistograms_reader(tmp_path: Path) -> None:
    need_module("hdrh")
    from hdrh.histogram import HdrHistogram
    from hdrh.log import HistogramLogReader

    loaded = load(scenarios.write(tmp_path))
    run = run_scenario(loaded, tmp_path / "out", jobs=1, outputs=OutputOptions(hlog=True))
    assert run.out_dir is not None
    reader = HistogramLogReader(str(run.out_dir / "latency.hlog"),
                                HdrHistogram(1, HIGHEST_NS, SIGNIFICANT_DIGITS))
    counts: dict[str, int] = {}
    maxima: dict[str, list[float]] = {}
    while (interval := reader.get_next_interval_histogram()) is not None:
        tag = interval.get_tag()
        counts[tag] = counts.get(tag, 0) + interval.get_total_count()
        if interval.get_total_count():
            maxima.setdefault(tag, []).append(interval.get_max_value() / 1e9)
    for strategy in run.summary["strategies"]:
        runs = [r for r in run.runs if r.strategy == strategy]
        # every request of every replication, warm-up included (the log covers the run)
        assert counts[strategy] == sum(r.performance.requests_simulated for r in runs)
        intervals = [merged([r.intervals[i] for r in runs if r.intervals is not None])
                     for i in range(len(runs[0].intervals or []))]
        ours = [float(h.values().max()) for h in intervals if h.total]
        # HdrHistogram's 3 digits (1/1024) on top of our buckets' 0.1%
        assert np.allclose(maxima[strategy], ours, rtol=RELATIVE_ERROR + 1 / 1024, atol=1e-9)


def test_without_the_option_no_intervals_are_kept(tmp_path: Path) -> None:
    loaded = load(scenarios.write(tmp_path))
    run = run_scenario(loaded, tmp_path / "out", jobs=1)
    assert run.out_dir is not None and not (run.out_dir / "latency.hlog").exists()
    assert all(r.intervals is None and r.latency is not None for r in run.runs)
