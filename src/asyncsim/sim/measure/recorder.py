"""The request recorder: a chunk of rows in typed arrays, folded into summaries when full.

Why chunks: appending a row to ``array.array`` columns is the cheapest thing the driver
can do per request; folding a chunk of them into the summaries is a handful of numpy
calls. Memory is one chunk plus the summaries, however long the run. The full log is kept
only when asked: in memory (``keep``: tests and exact checks) or spooled to disk a chunk at
a time (``spool_dir``: ``--raw``), one binary file per column (see :class:`RawSpool`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from asyncsim.sim.measure.summaries import Columns, Summaries
from asyncsim.sim.record import ROW, RequestLog

CHUNK_ROWS = 1 << 16
"""Rows folded at a time: 65 536 rows are about 2.6 MB of columns."""


class RawSpool:
    """A run's request rows on disk: ``<column>.bin`` per column, raw native-endian
    values of the column's dtype, appended a chunk at a time. Read back with
    :func:`read_spool`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.rows = 0
        self.dtypes: dict[str, str] = {}

    def write(self, columns: Columns) -> None:
        for name, values in columns.items():
            self.dtypes[name] = values.dtype.str
            with open(self.folder / f"{name}.bin", "ab") as file:
                values.tofile(file)
        self.rows += len(next(iter(columns.values())))


def read_spool(folder: Path, dtypes: dict[str, str], start: int, count: int) -> Columns:
    """Rows ``start .. start + count`` of a spooled run."""
    out = {}
    for name, dtype in dtypes.items():
        kind = np.dtype(dtype)
        out[name] = np.fromfile(folder / f"{name}.bin", dtype=kind, count=count,
                                offset=start * kind.itemsize)
    return out


class Recorder:
    def __init__(self, summaries: Summaries, keep: bool = False,
                 spool_dir: Path | None = None) -> None:
        self.log = RequestLog()
        self.summaries = summaries
        self.keep = keep
        self.spool = RawSpool(spool_dir) if spool_dir is not None else None
        self.folded = 0
        """Rows of ``log`` already folded (non-zero only when the log is kept)."""
        self.next_flush_bytes = CHUNK_ROWS * ROW.itemsize
        """The driver calls :meth:`flush` when the log's rows reach this many bytes."""

    def _pending(self) -> Columns:
        """The rows not folded yet (copies)."""
        return self.log.columns(self.folded)

    def flush(self) -> None:
        pending = self._pending()
        self.summaries.add(pending)
        if self.spool is not None:
            self.spool.write(pending)
        if self.keep:
            self.folded = len(self.log)
            self.next_flush_bytes = (self.folded + CHUNK_ROWS) * ROW.itemsize
        else:
            self.log.clear()

    def snapshot(self) -> Summaries:
        """The summaries so far, the pending rows included, leaving the chunking alone."""
        summaries = self.summaries.copy()
        summaries.add(self._pending())
        return summaries

    def requests(self) -> Columns:
        """The whole log when kept, else no columns."""
        return self.log.columns() if self.keep else {}
