"""Sample files referenced by a scenario (``empirical: {file: latencies.csv}``), read and
checked at validation.

Why at validation: a file that is missing, binary, huge or holds a negative or NaN sample
passed ``validate`` and then failed the run with an internal error (after 22 s for a
400 MB file). Every check is here, with the file's line in the message.

The path rule: a relative path is read from the scenario's folder; the path, once ``..``
parts are folded (lexically, symlinks are not followed), must stay inside that folder.
Why refuse paths that leave it: a scenario is shared and run by others (CI, a colleague),
and a file elsewhere (``../../secrets.csv``, ``/etc/passwd``) is not part of what they
were given; keep traces beside the scenario, or link them there on purpose.
"""

from __future__ import annotations

import csv
import io
import math
import os
import stat
from pathlib import Path

from asyncsim.lang.units import MAX_DURATION_S

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest sample file (about a million samples): traces larger than that should be
summarised (``asyncsim fit``) rather than resampled."""


def inside(path: Path, base: Path) -> bool:
    """Whether ``path`` (made absolute against ``base``) stays in ``base``, lexically."""
    full = os.path.normpath(os.path.join(os.path.abspath(base), path))
    root = os.path.abspath(base)
    return os.path.commonpath([full, root]) == root


def read_samples_s(path: Path, scale_s: float) -> tuple[float, ...]:
    """Every sample of the file's first column, in seconds; ``ValueError`` says what is
    wrong and where. The first line may be a header; every other line must be a number."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ValueError(f"no such file: {path}") from None
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"{path} is not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise ValueError(f"{path} is {info.st_size} bytes, over the {MAX_FILE_BYTES}-byte "
                         "limit for sample files")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror or error}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ValueError(f"{path} is over the {MAX_FILE_BYTES}-byte limit for sample files")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise ValueError(f"{path}:{line}: not UTF-8 text (byte "
                         f"0x{raw[error.start:error.start + 1].hex()})") from None
    values: list[float] = []
    for line_no, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if not row or not row[0].strip():
            continue
        cell = row[0].strip()
        try:
            value = float(cell)
        except ValueError:
            if line_no == 1:
                continue  # a header
            raise ValueError(f"{path}:{line_no}: {cell[:40]!r} is not a number") from None
        seconds = value * scale_s
        if not math.isfinite(value) or value < 0 or seconds > MAX_DURATION_S:
            raise ValueError(f"{path}:{line_no}: {cell[:40]!r} is not a sample (a finite "
                             f"duration from 0 to {MAX_DURATION_S:g}s)")
        values.append(seconds)
    if not values:
        raise ValueError(f"{path} holds no samples (one number per line, in its first column)")
    return tuple(values)
