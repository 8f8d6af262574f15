"""``latency.hlog``: the run's latencies as an HdrHistogram interval log (``--hlog``).

The format is HdrHistogram's interval log (version 1.3), which its tools read
(HistogramLogProcessor, HdrHistogramVisualizer, hdrh's HistogramLogReader):

- comment lines ``#[...]`` (format version, base time 0), then a legend line;
- one line per (interval, strategy): ``Tag=<strategy>,<start s>,<length s>,<max ms>,
  <histogram>``. Intervals are the run's series bins in simulated seconds; replications
  of a strategy are merged into one histogram per interval;
- ``<histogram>``: the V2 compressed encoding (deflate, base64) of an HdrHistogram of
  latencies in integer **nanoseconds**, 3 significant digits, 1 ns .. ``HIGHEST_NS``;
  longer latencies are recorded at ``HIGHEST_NS``. ``<max ms>`` is the interval's largest
  latency in milliseconds (the tools' default unit ratio, 10^6 ns per ms).

Why HdrHistogram_py (package ``hdrhistogram``): the encoding is a compressed binary
layout that must match the Java and C tools bit for bit; the library is the reference
Python port. It is imported only when the export is asked.

Values: each bucket of a run's histogram (within 0.1% of its requests' latencies,
sim/measure/histogram.py) is recorded at its value, rounded to the nanosecond; HdrHistogram
then keeps 3 significant digits (within 1/1024), so a value read back from the log is
within about 0.2% of the simulated latency.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from asyncsim.reports.files.writers import write_atomic
from asyncsim.reports.reduction import RunSummary
from asyncsim.sim.measure.histogram import Histogram, merged

HIGHEST_NS = 10**13
"""About 2.8 hours: the largest latency the log keeps apart."""
SIGNIFICANT_DIGITS = 3
NS_PER_MS = 1e6


def hdr_histogram(histogram: Histogram) -> Any:
    """An HdrHistogram (nanoseconds) holding ``histogram``'s values."""
    from hdrh.histogram import HdrHistogram

    hdr = HdrHistogram(1, HIGHEST_NS, SIGNIFICANT_DIGITS)
    for value, count in zip(histogram.values().tolist(), histogram.counts.tolist(),
                            strict=True):
        hdr.record_value(min(round(value * 1e9), HIGHEST_NS), count)
    return hdr


def hlog_text(runs: Sequence[RunSummary]) -> str:
    """The interval log of ``runs`` (each with its per-interval histograms)."""
    by_strategy: dict[str, list[RunSummary]] = {}
    for run in runs:
        if run.intervals is not None:
            by_strategy.setdefault(run.strategy, []).append(run)
    lines = ["#[Histogram log format version 1.3]",
             "#[asyncsim latencies, nanoseconds; intervals in simulated seconds; "
             "one tag per strategy]",
             "#[BaseTime: 0.000 (seconds since epoch)]",
             '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"']
    strategies = sorted(by_strategy)
    if not strategies:
        return "\n".join(lines) + "\n"
    first = by_strategy[strategies[0]][0]
    times = first.series.get("time_s", [])
    bin_s = 2 * times[0] if times else 0.0
    for index in range(len(first.intervals or [])):
        for strategy in strategies:
            reps = sorted(by_strategy[strategy], key=lambda r: r.replication)
            histogram = merged([r.intervals[index] for r in reps
                                if r.intervals is not None and index < len(r.intervals)])
            hdr = hdr_histogram(histogram)
            payload = hdr.encode().decode("ascii")
            max_ms = hdr.get_max_value() / NS_PER_MS
            lines.append(f"Tag={strategy},{index * bin_s:.3f},{bin_s:.3f},{max_ms:.3f},"
                         f"{payload}")
    return "\n".join(lines) + "\n"


def hlog_problem() -> str | None:
    """Why ``--hlog`` cannot be written here, or None."""
    try:
        import hdrh  # noqa: F401
    except ImportError:
        return ("--hlog needs HdrHistogram_py, which is not installed: "
                "pip install hdrhistogram")
    return None


def write_hlog(path: Path, runs: Sequence[RunSummary]) -> Path:
    write_atomic(path, hlog_text(runs))
    return path
