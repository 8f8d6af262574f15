"""Raw data on request (``--raw csv|parquet``): every request, and the time series.

Requests are not held in memory: each run spooled its rows to disk a chunk at a time
(sim/measure/recorder.py); the table is written from the spools a block at a time.

Two tables, one row per request and one row per time bin, each with every strategy and
replication stacked (``strategy``, ``replication`` columns). The columns are documented
here, once: the same text is written beside the data (``raw/columns.md``) and tested to
cover every column written.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from asyncsim.reports.files.writers import write_atomic
from asyncsim.reports.reduction import RunSummary
from asyncsim.sim.measure.recorder import read_spool
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


ROWS_PER_WRITE = 1 << 18
"""Rows read back from a run's spool and written at a time: raw data never sits whole in
memory, however long the run."""


def request_frames(runs: Sequence[RunSummary], warmup_s: float) -> Iterator[pd.DataFrame]:
    """The request table a block of rows at a time, runs in (strategy, replication) order,
    each run's rows in the order they were recorded (read from its spool)."""
    import pandas as pd

    statuses = pd.Index([s.name.lower() for s in Status])
    sources = pd.Index([s.name.lower() for s in Source])
    for run in runs:
        spool = run.raw
        if spool is None:
            continue
        for start in range(0, spool.rows, ROWS_PER_WRITE):
            columns = read_spool(spool.folder, spool.dtypes, start,
                                 min(ROWS_PER_WRITE, spool.rows - start))
            frame = pd.DataFrame({name: columns[name] for name in
                                  ("t_start_s", "latency_s", "status", "source", "attempts",
                                   "client", "key", "version", "stale_s")})
            frame.insert(0, "replication", run.replication)
            frame.insert(0, "strategy", run.strategy)
            frame["measured"] = frame["t_start_s"] >= warmup_s
            frame["status"] = pd.Categorical.from_codes(
                frame["status"].to_numpy(dtype=np.int64), statuses)
            frame["source"] = pd.Categorical.from_codes(
                frame["source"].to_numpy(dtype=np.int64), sources)
            yield frame


def write_requests(path: Path, runs: Sequence[RunSummary], warmup_s: float,
                   fmt: RawFormat) -> None:
    """The request table, written a block at a time (CSV appended, Parquet row groups)."""
    import pandas as pd

    part = path.with_name(path.name + ".part")
    frames = request_frames(runs, warmup_s)
    first = next(frames, None)
    if first is None:
        write_atomic(path, encode_table(pd.DataFrame(columns=list(REQUEST_COLUMNS)), fmt))
        return
    if fmt == "csv":
        with open(part, "w", encoding="utf-8", newline="") as file:
            first.to_csv(file, index=False)
            for frame in frames:
                frame.to_csv(file, index=False, header=False)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(first, preserve_index=False)
        with pq.ParquetWriter(part, table.schema) as writer:
            writer.write_table(table)
            for frame in frames:
                writer.write_table(pa.Table.from_pandas(frame, schema=table.schema,
                                                        preserve_index=False))
    part.replace(path)


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
    folder.mkdir(parents=True, exist_ok=True)
    write_requests(paths[0], runs, warmup_s, fmt)
    write_atomic(paths[1], encode_table(series_frame(runs), fmt))
    write_atomic(paths[2], columns_markdown())
    return paths
