"""Raw data on request (``--raw csv|parquet``): every request, and the time series.

Two tables, one row per request and one row per time bin, each with every strategy and
replication stacked (``strategy``, ``replication`` columns). The columns are documented
here, once: the same text is written beside the data (``raw/columns.md``) and tested to
cover every column written.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from asyncsim.reports.files.writers import write_atomic
from asyncsim.reports.reduction import RunSummary
from asyncsim.sim.outcome import Source, Status

if TYPE_CHECKING:  # pandas is imported when raw data is written, not to run a simulation
    import pandas as pd

RawFormat = Literal["csv", "parquet"]

REQUEST_COLUMNS = {
    "strategy": "strategy name",
    "replication": "replication index, from 0",
    "t_start_s": "simulated time the request started, in seconds since the run started",
    "latency_s": "user-perceived latency in seconds (0 for an answer that needed no waiting)",
    "status": "how it ended: " + ", ".join(s.name.lower() for s in Status),
    "source": "where the answer came from: " + ", ".join(s.name.lower() for s in Source),
    "attempts": "backend calls this request caused",
    "client": "index of the simulated client (user) that sent it",
    "key": "index of the data key asked for",
    "version": "data version delivered (-1: nothing delivered, or versions not modelled)",
    "stale_s": "seconds the delivered version had been superseded (0: current; "
               "empty/NaN: nothing delivered)",
    "measured": "true when it started after warm-up: the metrics use only these rows",
}
SERIES_COLUMNS = {
    "strategy": "strategy name",
    "replication": "replication index, from 0",
    "bin": "time bin index, from 0",
    "bin_start_s": "start of the bin, in seconds since the run started",
    "time_s": "centre of the bin, in seconds",
    "requests": "user requests started in the bin",
    "ok": "user requests started in the bin that got real data",
    "latency_p50_s": "median latency of the requests started in the bin (s)",
    "latency_p90_s": "90th percentile latency of the requests started in the bin (s)",
    "latency_p99_s": "99th percentile latency of the requests started in the bin (s)",
    "goodput": "successful answers per second, binned by when the answer arrived",
    "backend_calls:<backend>": "calls that reached the backend in the bin",
    "busy:<backend>": "time-average number of busy workers of the backend in the bin",
    "queue:<backend>": "time-average number of calls waiting for a worker in the bin",
    "<other>": "series a layer records, e.g. cache size or breaker state (see its docs)",
}


class RawFormatUnavailable(RuntimeError):
    """The asked format needs an optional package that is not installed."""


def raw_format_problem(fmt: RawFormat) -> str | None:
    """Why ``fmt`` cannot be written here, or None."""
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            return ("--raw parquet needs pyarrow, which is not installed: "
                    "pip install 'asyncsim[parquet]' (or use --raw csv)")
    return None


def requests_frame(runs: Sequence[RunSummary], warmup_s: float) -> pd.DataFrame:
    import pandas as pd

    frames = []
    for run in runs:
        if run.raw is None:
            continue
        columns = run.raw
        frame = pd.DataFrame({name: columns[name] for name in
                              ("t_start_s", "latency_s", "status", "source", "attempts",
                               "client", "key", "version", "stale_s")})
        frame.insert(0, "replication", run.replication)
        frame.insert(0, "strategy", run.strategy)
        frame["measured"] = frame["t_start_s"] >= warmup_s
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=list(REQUEST_COLUMNS))
    table = pd.concat(frames, ignore_index=True)
    table["status"] = pd.Categorical.from_codes(
        table["status"].to_numpy(dtype=np.int64), pd.Index([s.name.lower() for s in Status]))
    table["source"] = pd.Categorical.from_codes(
        table["source"].to_numpy(dtype=np.int64), pd.Index([s.name.lower() for s in Source]))
    return table


def series_frame(runs: Sequence[RunSummary]) -> pd.DataFrame:
    import pandas as pd

    frames = []
    for run in runs:
        if not run.series:
            continue
        frame = pd.DataFrame(run.series)
        bins = len(frame)
        time_s = np.asarray(run.series["time_s"])
        bin_s = float(time_s[1] - time_s[0]) if bins > 1 else 2 * float(time_s[0])
        frame.insert(0, "bin_start_s", np.round(time_s - bin_s / 2, 9))
        frame.insert(0, "bin", np.arange(bins))
        frame.insert(0, "replication", run.replication)
        frame.insert(0, "strategy", run.strategy)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["strategy", "replication", "bin", "bin_start_s", "time_s"])
    return pd.concat(frames, ignore_index=True)


def columns_markdown() -> str:
    lines = ["# Raw data columns", "", "## requests", ""]
    lines += [f"- `{name}`: {text}" for name, text in REQUEST_COLUMNS.items()]
    lines += ["", "## series", ""]
    lines += [f"- `{name}`: {text}" for name, text in SERIES_COLUMNS.items()]
    return "\n".join(lines) + "\n"


def encode_table(frame: pd.DataFrame, fmt: RawFormat) -> bytes:
    """A table as CSV (UTF-8, no index) or Parquet bytes."""
    if fmt == "csv":
        return frame.to_csv(index=False).encode("utf-8")
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def write_raw(folder: Path, runs: Sequence[RunSummary], warmup_s: float,
              fmt: RawFormat) -> list[Path]:
    """Write ``requests.<fmt>``, ``series.<fmt>`` and ``columns.md`` into ``folder``."""
    problem = raw_format_problem(fmt)
    if problem:
        raise RawFormatUnavailable(problem)
    paths = [folder / f"requests.{fmt}", folder / f"series.{fmt}", folder / "columns.md"]
    write_atomic(paths[0], encode_table(requests_frame(runs, warmup_s), fmt))
    write_atomic(paths[1], encode_table(series_frame(runs), fmt))
    write_atomic(paths[2], columns_markdown())
    return paths
