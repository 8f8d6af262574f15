"""Named columns of a CSV or Parquet file, each value traceable to its line or record.

Why not pandas: calibration needs every bad value located (``file:line``) and nothing
else of a data frame; the csv module gives line numbers, pyarrow gives Parquet columns.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asyncsim.calibrate.errors import CalibrationError

UNITS_S = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9, "m": 60.0, "min": 60.0,
           "h": 3600.0}
"""Units a column of durations or timestamps may be in."""


@dataclass(frozen=True)
class Table:
    """Columns as read (strings from CSV, Python values from Parquet), with positions."""

    file: str
    columns: dict[str, list[object]]
    lines: list[int] | None
    """The file line of each record (CSV); None for Parquet (records are located by index)."""

    def where(self, index: int) -> dict[str, int]:
        """Keyword arguments of :class:`CalibrationError` locating record ``index``."""
        if self.lines is not None:
            return {"line": self.lines[index], "record": index}
        return {"record": index}

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()), []))


def unit_scale(unit: str) -> float:
    try:
        return UNITS_S[unit]
    except KeyError:
        raise CalibrationError(f"unknown unit {unit!r} (allowed: {', '.join(UNITS_S)})") \
            from None


def read_table(path: Path, names: Sequence[str],
               where: Mapping[str, str] | None = None) -> Table:
    """The named columns of ``path`` (Parquet by its suffix, else CSV with a header row).

    ``where`` keeps the records whose columns equal the given texts (case-insensitive:
    ``{"strategy": "ttl", "measured": "true"}`` selects one strategy of a ``--raw``
    requests file); kept records keep their own lines, so errors still point at the file.
    """
    if not path.is_file():
        raise CalibrationError("no such file", str(path))
    if path.stat().st_size == 0:
        raise CalibrationError("the file is empty", str(path))
    where = dict(where or {})
    wanted = list(dict.fromkeys([*names, *where]))
    if path.suffix.lower() in (".parquet", ".pq"):
        table = _read_parquet(path, wanted)
    else:
        table = _read_csv(path, wanted)
    return _selected(table, names, where) if where else table


def _selected(table: Table, names: Sequence[str], where: dict[str, str]) -> Table:
    keep = [i for i in range(len(table))
            if all(str(table.columns[c][i]).lower() == v.lower() for c, v in where.items())]
    if not keep:
        shown = ", ".join(f"{c}={v}" for c, v in where.items())
        raise CalibrationError(f"no records with {shown}", table.file)
    return Table(table.file, {n: [table.columns[n][i] for i in keep] for n in names},
                 None if table.lines is None else [table.lines[i] for i in keep])


def _missing(path: Path, names: Sequence[str], present: Sequence[str]) -> CalibrationError:
    missing = [n for n in names if n not in present]
    return CalibrationError(
        f"no column {missing[0]!r} (the file has: {', '.join(present) or 'no columns'})",
        str(path), line=1 if path.suffix.lower() not in (".parquet", ".pq") else None)


def _read_csv(path: Path, names: Sequence[str]) -> Table:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None or not any(cell.strip() for cell in header):
                raise CalibrationError("the file is empty (no header row)", str(path), line=1)
            header = [cell.strip() for cell in header]
            if any(n not in header for n in names):
                raise _missing(path, names, header)
            index = {n: header.index(n) for n in names}
            columns: dict[str, list[object]] = {n: [] for n in names}
            lines: list[int] = []
            for row in reader:
                if not row or not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    raise CalibrationError(
                        f"{len(row)} fields where the header has {len(header)}", str(path),
                        line=reader.line_num, record=len(lines))
                lines.append(reader.line_num)
                for n in names:
                    columns[n].append(row[index[n]].strip())
    except UnicodeDecodeError as err:
        raise CalibrationError(f"not a UTF-8 text file ({err.reason})", str(path)) from None
    except csv.Error as err:
        raise CalibrationError(f"malformed CSV: {err}", str(path)) from None
    if not lines:
        raise CalibrationError("no records after the header", str(path), line=2)
    return Table(str(path), columns, lines)


def _read_parquet(path: Path, names: Sequence[str]) -> Table:
    import pyarrow.parquet as pq  # optional: only Parquet input needs it

    try:
        table = pq.read_table(path)
    except Exception as err:  # pyarrow raises several types for a damaged file
        raise CalibrationError(f"malformed Parquet file: {err}", str(path)) from None
    if any(n not in table.column_names for n in names):
        raise _missing(path, names, table.column_names)
    if table.num_rows == 0:
        raise CalibrationError("no records", str(path))
    return Table(str(path), {n: table.column(n).to_pylist() for n in names}, None)


def numbers(table: Table, name: str, what: str = "value", *,
            allow_negative: bool = False) -> np.ndarray:
    """Column ``name`` as floats; a blank, non-numeric, NaN or (unless allowed) negative
    value is refused at its line or record."""
    values = np.empty(len(table.columns[name]))
    for i, raw in enumerate(table.columns[name]):
        try:
            value = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise CalibrationError(f"{what} {raw!r} in column {name!r} is not a number",
                                   table.file, **table.where(i)) from None
        if math.isnan(value) or math.isinf(value):
            raise CalibrationError(f"{what} in column {name!r} is {raw!r}",
                                   table.file, **table.where(i))
        if value < 0 and not allow_negative:
            raise CalibrationError(f"negative {what} {raw!r} in column {name!r}",
                                   table.file, **table.where(i))
        values[i] = value
    return values
