"""The one error type of calibration: bad input, located in its file."""

from __future__ import annotations


class CalibrationError(Exception):
    """Input that cannot be calibrated from, with where it goes wrong.

    ``line`` and ``column`` are 1-based positions in a text file (CSV, JSON); ``record``
    is the 0-based index of a data record (a CSV row after the header, a Parquet row, a
    HAR entry), for files without lines or when the record is what the user looks up.
    Commands map it to exit code 104 and print ``str(err)``.
    """

    def __init__(self, message: str, file: str | None = None, *, line: int | None = None,
                 column: int | None = None, record: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.record = record

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.line is not None:
            where.append(str(self.line))
            if self.column is not None:
                where.append(str(self.column))
        prefix = ":".join(where)
        record = f"record {self.record}: " if self.record is not None else ""
        return f"{prefix}: {record}{self.message}" if prefix else f"{record}{self.message}"
