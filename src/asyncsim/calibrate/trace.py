"""Access traces (timestamp, key, maybe client) as arrays a trace-replay load model reads.

```python
trace = read_trace(Path("access.csv"), time="ts", key="path", unit="s")
trace.times      # float64 seconds from the first record, non-decreasing
trace.keys       # int64 ids into trace.key_names (first seen, first numbered)
trace = trace.scaled(time_scale=2.0)      # the same requests over twice the time
trace = trace.looped(until_s=600.0)       # repeated to cover ten minutes
```
Timestamps are numbers in ``unit`` (epoch or relative) or ISO 8601 strings.

Unsorted timestamps are refused, naming the first record that goes back in time: a
trace's order is part of what it records (which request came first at equal
timestamps, which reads followed which write), and sorting it silently could change the
hit rate being measured. Equal timestamps are kept in file order. Sort the file first
(``sort -t, -k1 -n``) if its order does not matter, or pass ``sort=True``: a stable sort
by time, with the number of records that moved in ``Trace.reordered`` for the command to
warn about. (An asyncsim ``--raw`` requests file is in completion order, so replaying it
needs ``sort=True``.)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import numpy as np

from asyncsim.calibrate.columns import Table, read_table, unit_scale
from asyncsim.calibrate.errors import CalibrationError


@dataclass(frozen=True)
class Trace:
    source: str
    times: np.ndarray
    keys: np.ndarray
    key_names: tuple[str, ...]
    clients: np.ndarray | None = None
    client_names: tuple[str, ...] | None = None
    reordered: int = 0
    """Records that were out of time order and moved by ``sort=True`` (0: none)."""

    def __len__(self) -> int:
        return len(self.times)

    @property
    def span(self) -> float:
        """Seconds from the first record to the last."""
        return float(self.times[-1]) if len(self.times) else 0.0

    @property
    def rate(self) -> float:
        """Records per second over the span (the first record is at 0)."""
        return (len(self) - 1) / self.span if self.span > 0 else math.inf

    def scaled(self, time_scale: float = 1.0, rate_scale: float = 1.0) -> Trace:
        """Stretch time by ``time_scale`` and speed up by ``rate_scale``: times become
        ``t * time_scale / rate_scale`` (``time_scale=2`` halves the rate)."""
        if not (time_scale > 0 and rate_scale > 0):
            raise CalibrationError("time and rate scales must be positive", self.source)
        return replace(self, times=self.times * (time_scale / rate_scale))

    @property
    def loop_period_s(self) -> float:
        """How far apart repetitions of a looped trace start: the span plus one average
        gap (so the seam looks like the trace itself)."""
        if len(self) < 2 or self.span <= 0:
            raise CalibrationError("a trace must span some time to loop", self.source)
        return self.span + self.span / (len(self) - 1)

    def copies_until(self, until_s: float) -> int:
        """How many repetitions :meth:`looped` lays down to reach ``until_s``."""
        return max(1, math.ceil(until_s / self.loop_period_s))

    def looped(self, until_s: float) -> Trace:
        """The trace repeated until ``until_s``, every :attr:`loop_period_s`."""
        period = self.loop_period_s
        copies = self.copies_until(until_s)
        times = np.concatenate([self.times + i * period for i in range(copies)])
        keep = times < until_s

        def tile(values: np.ndarray) -> np.ndarray:
            return np.tile(values, copies)[keep]

        return replace(self, times=times[keep], keys=tile(self.keys),
                       clients=None if self.clients is None else tile(self.clients))

    def looped_before(self, x_s: float, until_s: float) -> int:
        """How many records of ``looped(until_s)`` start before ``x_s``, counted without
        building it: a month of a two-minute trace is 10^8 records, gigabytes that a
        check only needs a count of. Every time is the very sum :meth:`looped` computes,
        so the count is exact: the repetitions wholly before (found by bisection, their
        last record's time grows with the repetition), then the one or two that straddle
        ``x_s`` (a repetition is shorter than its period)."""
        period, copies, size = self.loop_period_s, self.copies_until(until_s), len(self)
        limit = min(x_s, until_s)
        last = float(self.times[-1])
        low, high = 0, copies
        while low < high:
            middle = (low + high) // 2
            if last + middle * period < limit:
                low = middle + 1
            else:
                high = middle
        count = low * size
        first = float(self.times[0])
        for copy in range(low, copies):
            if first + copy * period >= limit:
                break
            count += int(((self.times + copy * period) < limit).sum())
        return count


def read_trace(path: Path, time: str, key: str, client: str | None = None, unit: str = "s",
               time_scale: float = 1.0, rate_scale: float = 1.0,
               loop_until_s: float | None = None,
               where: Mapping[str, str] | None = None, sort: bool = False) -> Trace:
    """A trace from a CSV or Parquet file (see the module doc for order and units);
    ``where`` selects records (one strategy and replication of a ``--raw`` file)."""
    names = [time, key] + ([client] if client else [])
    table = read_table(path, names, where)
    times = _times(table, time, unit_scale(unit))
    backwards = np.flatnonzero(np.diff(times) < 0)
    order = np.argsort(times, kind="stable") if sort and len(backwards) else None
    if len(backwards) and order is None:
        i = int(backwards[0]) + 1
        raise CalibrationError(
            f"timestamps are not sorted: {table.columns[time][i]!r} comes before the previous "
            f"record's {table.columns[time][i - 1]!r} (sort the file by {time!r} first)",
            table.file, **table.where(i))
    keys, key_names = _ids(table, key)
    clients, client_names = _ids(table, client) if client else (None, None)
    reordered = 0
    if order is not None:
        reordered = int(np.count_nonzero(order != np.arange(len(order))))
        times, keys = times[order], keys[order]
        clients = None if clients is None else clients[order]
    trace = Trace(table.file, times - times[0], keys, key_names, clients, client_names,
                  reordered)
    if time_scale != 1.0 or rate_scale != 1.0:
        trace = trace.scaled(time_scale, rate_scale)
    return trace.looped(loop_until_s) if loop_until_s is not None else trace


def _times(table: Table, name: str, scale: float) -> np.ndarray:
    values = table.columns[name]
    out = np.empty(len(values))
    iso = isinstance(values[0], datetime) or not _is_number(values[0])
    for i, raw in enumerate(values):
        try:
            if isinstance(raw, datetime):
                out[i] = raw.timestamp()
            elif iso:
                out[i] = datetime.fromisoformat(str(raw)).timestamp()
            else:
                out[i] = float(raw) * scale  # type: ignore[arg-type]
        except (TypeError, ValueError):
            kind = "an ISO 8601 time" if iso else "a number"
            raise CalibrationError(f"timestamp {raw!r} in column {name!r} is not {kind}",
                                   table.file, **table.where(i)) from None
        if math.isnan(out[i]):
            raise CalibrationError(f"timestamp in column {name!r} is NaN", table.file,
                                   **table.where(i))
    return out


def _is_number(value: object) -> bool:
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def _ids(table: Table, name: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Integer ids numbered in order of first appearance, and the name of each id."""
    ids: dict[str, int] = {}
    out = np.empty(len(table.columns[name]), dtype=np.int64)
    for i, raw in enumerate(table.columns[name]):
        if raw is None or str(raw) == "":
            raise CalibrationError(f"empty value in column {name!r}", table.file,
                                   **table.where(i))
        out[i] = ids.setdefault(str(raw), len(ids))
    return out, tuple(ids)
