"""Staleness family: did users get data that had already changed, and how old was it.

Only computed when some backend's data changes (``data: {change_rate: ...}``): with static
data every delivery is current and the rows would say nothing.
"""

from __future__ import annotations

import numpy as np

from asyncsim.reports.metrics.registry import RunView, Values, metric, trend

FAMILY = "staleness"


def _deliveries_stale_s(view: RunView) -> np.ndarray | None:
    """Per delivery of data: how long its version had been superseded (0 when current)."""
    if not view.result.changing_data:
        return None
    delivered = view.columns["version"] >= 0
    stale_s: np.ndarray = view.columns["stale_s"][delivered]
    return stale_s


@metric("stale_rate", "rate", "1", "lower",
        "share of deliveries of data (requests that got a version) whose version had already "
        "been superseded when delivered", family=FAMILY)
def stale_rate(view: RunView) -> Values:
    stale_s = _deliveries_stale_s(view)
    return {} if stale_s is None else {
        "stale_rate": float((stale_s > 0).mean()) if len(stale_s) else float("nan")}


@metric("staleness", "trend", "s", "lower",
        "how long the delivered version had been superseded when delivered, over all "
        "deliveries of data, 0 for current data (so avg = stale_rate × mean age of stale ones)",
        family=FAMILY)
def staleness(view: RunView) -> Values:
    stale_s = _deliveries_stale_s(view)
    return {} if stale_s is None else trend("staleness", stale_s)
