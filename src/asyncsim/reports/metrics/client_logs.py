"""Reading the client-behaviour logs a workload left in ``RunResult.logs``, by type.

Only units that began in the measured window count, like requests: a page view, click,
prefetch or session started during warm-up is dropped, and so is a prefetch started after
``duration`` (a route prefetch while the run drains), which no later click could use.

Most client metrics have one shape: no log of that type (the workload does not have that
unit) gives no value; otherwise one value, or a trend, computed from the window's columns.
:func:`from_log` and :func:`log_trend` are that shape, once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from asyncsim.reports.metrics.registry import RunView, Values, trend
from asyncsim.sim.workload.logs.columns import ColumnLog

Columns = dict[str, np.ndarray]


def window_columns(view: RunView, kind: type[ColumnLog], *, before_end: bool = False
                   ) -> Columns | None:
    """Columns of the log of type ``kind`` for units started in the window; None if no
    such log. A log whose rows have no start time (a live display's totals over the
    window) is taken whole."""
    log = view.result.logs.get(kind)
    if log is None:
        return None
    columns = log.columns()
    if "t_start_s" not in columns:
        return columns
    mask = in_window(view, columns["t_start_s"], before_end)
    return {key: values[mask] for key, values in columns.items()}


def from_log(view: RunView, kind: type[ColumnLog], name: str,
             compute: Callable[[Columns], float], *, before_end: bool = False) -> Values:
    """``{name: compute(columns)}`` over the window's rows of the ``kind`` log; {} without
    one."""
    columns = window_columns(view, kind, before_end=before_end)
    return {} if columns is None else {name: compute(columns)}


def log_trend(view: RunView, kind: type[ColumnLog], name: str,
              sample: Callable[[Columns], np.ndarray]) -> Values:
    """The trend ``name`` of ``sample(columns)`` over the window's rows; {} without a log."""
    columns = window_columns(view, kind)
    if columns is None:
        return {}
    return trend(name, sample(columns))


def in_window(view: RunView, t_start_s: np.ndarray, before_end: bool) -> np.ndarray:
    mask: np.ndarray = t_start_s >= view.result.warmup_s
    if before_end:
        mask &= t_start_s < view.result.duration_s
    return mask


def mean_or_nan(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else float("nan")
