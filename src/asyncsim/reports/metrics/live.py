"""Live views family: how outdated what users saw was while their tab was visible, and what
keeping it fresh cost (requests and pushes per user-hour).

Computed from the live workload's logs in ``RunResult.logs`` (sim/workload/logs/live.py);
time averages are exact integrals over the measured window, summed over every displayed key
of every user, divided by the visible time with data shown.
"""

from __future__ import annotations

import numpy as np

from asyncsim.reports.metrics.client_logs import from_log, window_columns
from asyncsim.reports.metrics.registry import RunView, Values, metric
from asyncsim.sim.workload.logs.live import DisplayLog, StaleTime, UserLog

FAMILY = "live"
HOUR_S = 3600.0


def _per_visible_s(view: RunView, name: str, column: str) -> Values:
    """``name``: the sum of ``column`` over displays per second of visible time with data."""
    return from_log(view, DisplayLog, name, lambda d: _ratio(d[column], d["visible_s"]))


def _ratio(part: np.ndarray, whole: np.ndarray) -> float:
    total = float(whole.sum())
    return float(part.sum()) / total if total else float("nan")


def _user_hours(view: RunView) -> float:
    users = window_columns(view, UserLog)
    return len(users["client"]) * view.window_s / HOUR_S if users is not None else float("nan")


@metric("visible_staleness", "rate", "1", "lower",
        "share of the time a tab was visible (showing data) that it showed a value that had "
        "already been superseded", family=FAMILY)
def visible_staleness(view: RunView) -> Values:
    return _per_visible_s(view, "visible_staleness", "stale_s")


@metric("visible_stale_age", "gauge", "s", "lower",
        "how long the value shown had been outdated, averaged over visible time (0 while "
        "current): visible_staleness × the mean age of outdated views", family=FAMILY)
def visible_stale_age(view: RunView) -> Values:
    return _per_visible_s(view, "visible_stale_age", "stale_age_area")


@metric("display_age", "gauge", "s", "lower",
        "time since the value shown was obtained (fetched or pushed), averaged over visible "
        "time", family=FAMILY)
def display_age(view: RunView) -> Values:
    return _per_visible_s(view, "display_age", "age_area")


@metric("versions_behind", "gauge", "versions", "lower",
        "how many newer versions existed than the one shown, averaged over visible time",
        family=FAMILY)
def versions_behind(view: RunView) -> Values:
    return _per_visible_s(view, "versions_behind", "behind_area")


@metric("versions_unseen", "rate", "1", "lower",
        "share of the versions of watched keys that a user never saw on a visible tab "
        "(versions superseded in the window, each judged over its whole life)", family=FAMILY)
def versions_unseen(view: RunView) -> Values:
    return from_log(view, DisplayLog, "versions_unseen",
                    lambda d: 1.0 - _ratio(d["versions_seen"], d["versions"]))


@metric("requests_per_user_hour", "gauge", "req/user/h", "lower",
        "fetches live views sent down the strategy's stack (polls, focus and reconnect "
        "revalidations, resyncs, refetches), per user per hour; a client cache may answer "
        "some (see backend_calls for the server's load)", family=FAMILY)
def requests_per_user_hour(view: RunView) -> Values:
    hours = _user_hours(view)
    if np.isnan(hours):
        return {}
    return {"requests_per_user_hour": view.count / hours if hours else float("nan")}


@metric("pushes_per_user_hour", "gauge", "msg/user/h", "none",
        "push messages delivered to users, per user per hour", family=FAMILY)
def pushes_per_user_hour(view: RunView) -> Values:
    displays = window_columns(view, DisplayLog)
    hours = _user_hours(view)
    if displays is None or np.isnan(hours):
        return {}
    return {"pushes_per_user_hour": float(displays["pushes"].sum()) / hours if hours
            else float("nan")}


@metric("visible_share", "rate", "1", "none",
        "share of users' time their tab was visible", family=FAMILY)
def visible_share(view: RunView) -> Values:
    users = window_columns(view, UserLog)
    if users is None or not len(users["client"]):
        return {}
    return {"visible_share": float(users["visible_s"].sum()) / (len(users["client"])
                                                                * view.window_s)}


def staleness_series(view: RunView, bins: int) -> dict[str, list[float]]:
    """Per time bin of the run's series: ``visible_s`` (visible time with data) and
    ``stale_visible_s`` (the part showing a superseded value), summed over displays; their
    ratio over the window is ``visible_staleness``. Empty without live views."""
    stale = view.result.logs.get(StaleTime)
    if stale is None or len(stale.visible_s) != bins:
        return {}
    return {"visible_s": list(stale.visible_s), "stale_visible_s": list(stale.stale_s)}
