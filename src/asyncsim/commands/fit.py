"""``asyncsim fit``: the latency distribution that fits a user's data, as scenario YAML.

Three inputs, one result (:class:`~asyncsim.calibrate.fit.FitResult`): samples from a
CSV/Parquet column, Prometheus ``le`` buckets, or a few percentiles. Bad input raises
:class:`~asyncsim.calibrate.errors.CalibrationError` before anything is written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asyncsim.calibrate.fit import FitResult, fit_samples, read_samples
from asyncsim.calibrate.fit_binned import (
    fit_buckets,
    fit_percentiles,
    parse_percentiles,
    read_buckets,
)
from asyncsim.calibrate.qq import qq_html
from asyncsim.commands.common import UsageError
from asyncsim.reports.files.output_set import output_error


@dataclass(frozen=True)
class FitOutput:
    result: FitResult
    qq: Path | None
    """The QQ page written (samples only)."""


def run_fit(samples: Path | None, column: str | None, unit: str | None, where: Sequence[str],
            buckets: Path | None, le: str, count: str, percentiles: str | None,
            qq: Path | None) -> FitOutput:
    """Fit the one input given; the QQ page, when asked, is written last and atomically."""
    given = [name for name, value in (("a samples file", samples), ("--buckets", buckets),
                                      ("--percentiles", percentiles)) if value is not None]
    if len(given) != 1:
        raise UsageError("give one input: a samples file with --column, --buckets FILE, or "
                         "--percentiles p50=80ms,p99=400ms" +
                         (f" (got {' and '.join(given)})" if given else ""))
    if qq is not None and samples is None:
        raise UsageError("--qq needs samples (a QQ plot compares sample quantiles)")
    if buckets is not None:
        bounds, cumulative = read_buckets(buckets, le, count, unit or "s")
        return FitOutput(fit_buckets(bounds, cumulative, str(buckets)), None)
    if percentiles is not None:
        items = [item for item in percentiles.split(",") if item.strip()]
        return FitOutput(fit_percentiles(parse_percentiles(items, "--percentiles"),
                                         "--percentiles"), None)
    assert samples is not None
    if column is None or unit is None:
        raise UsageError("a samples file needs --column (the column of durations) and --unit "
                         "(what its numbers are: s, ms, us, ns, min, h)")
    values = read_samples(samples, column, unit, _where(where))
    result = fit_samples(values, str(samples))
    if qq is not None:
        try:
            _write_qq(result, values, qq)
        except OSError as error:
            raise output_error(qq, error) from None
    return FitOutput(result, qq)


def _where(items: Sequence[str]) -> dict[str, str]:
    """``["strategy=ttl", "replication=0"]`` -> a record filter."""
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--where {item!r}: write COLUMN=VALUE, e.g. strategy=baseline")
        out[name.strip()] = value.strip()
    return out


def _write_qq(result: FitResult, values: np.ndarray, path: Path) -> None:
    """The page goes to a temporary file beside ``path``, renamed when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".html", dir=path.parent)
    os.close(fd)
    try:
        qq_html(result, values, Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

