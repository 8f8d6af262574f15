"""Staleness family: did users get data that had already changed, and how old was it.

Only computed when some backend's data changes (``data: {change_rate: ...}``): with static
data every delivery is current and the rows would say nothing.
"""

from __future__ import annotations

from asyncsim.reports.metrics.registry import RunView, Values, metric, trend

FAMILY = "staleness"


@metric("stale_rate", "rate", "1", "lower",
        "share of deliveries of data (requests that got a version) whose version had already "
        "been superseded when delivered", family=FAMILY)
def stale_rate(view: RunView) -> Values:
    if not view.result.changing_data:
        return {}
    deliveries = view.staleness().count
    stale = view.summaries.stale_positive[1]
    return {"stale_rate": stale / deliveries if deliveries else float("nan")}


@metric("staleness", "trend", "s", "lower",
        "how long the delivered version had been superseded when delivered, over all "
        "deliveries of data, 0 for current data (so avg = stale_rate × mean age of stale ones)",
        family=FAMILY)
def staleness(view: RunView) -> Values:
    return trend("staleness", view.staleness()) if view.result.changing_data else {}
