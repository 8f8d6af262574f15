"""Reading the client-behaviour logs a workload left in ``RunResult.extra``.

Only units that began in the measured window count, like requests: a page view, click,
prefetch or session started during warm-up is dropped, and so is a prefetch started after
``duration`` (a route prefetch while the run drains), which no later click could use.
"""

from __future__ import annotations

import numpy as np

from asyncsim.reports.metrics.registry import RunView
from asyncsim.sim.client_log import ColumnLog


def window_columns(view: RunView, name: str, *, before_end: bool = False
                   ) -> dict[str, np.ndarray] | None:
    """Columns of the log ``name`` for units started in the window; None if no such log."""
    log = view.result.extra.get(name)
    if not isinstance(log, ColumnLog):
        return None
    columns = log.columns()
    mask = in_window(view, columns["t_start_s"], before_end)
    return {key: values[mask] for key, values in columns.items()}


def in_window(view: RunView, t_start_s: np.ndarray, before_end: bool) -> np.ndarray:
    mask: np.ndarray = t_start_s >= view.result.warmup_s
    if before_end:
        mask &= t_start_s < view.result.duration_s
    return mask


def mean_or_nan(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else float("nan")
