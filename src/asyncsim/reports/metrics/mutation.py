"""Live family, changes: how a user's change felt (perceived latency, flicker, time unconfirmed),
how often it had to be taken back, and what concurrent writers did to each other.

One row per change started in the measured window (the ``ChangeLog`` in RunResult.logs).
"""

from __future__ import annotations

import numpy as np

from asyncsim.reports.metrics.client_logs import from_log, window_columns
from asyncsim.reports.metrics.registry import RunView, Values, metric, trend_stats, value_key
from asyncsim.sim.workload.logs.live import ChangeLog

FAMILY = "live"


def _changes(view: RunView) -> dict[str, np.ndarray] | None:
    return window_columns(view, ChangeLog)


@metric("perceived_latency", "trend", "s", "lower",
        "from a user's change until it showed on screen: 0 when optimistic, the server's "
        "answer (or the refetch after it) when pessimistic; changes that never showed are "
        "left out", family=FAMILY)
def perceived_latency(view: RunView) -> Values:
    changes = _changes(view)
    if changes is None:
        return {}
    perceived = changes["perceived_s"]
    return {value_key("perceived_latency", s): v
            for s, v in trend_stats(perceived[~np.isnan(perceived)]).items()}


@metric("rollback_rate", "rate", "1", "lower",
        "share of optimistic changes that showed and were then taken back because the "
        "server refused the write", family=FAMILY)
def rollback_rate(view: RunView) -> Values:
    changes = _changes(view)
    if changes is None:
        return {}
    optimistic = changes["optimistic"].astype(bool)
    count = int(optimistic.sum())
    rolled = int(changes["rolled_back"][optimistic].sum())
    return {"rollback_rate": rolled / count if count else float("nan")}


@metric("unconfirmed_time", "trend", "s", "lower",
        "per optimistic change, how long it showed before the server's answer confirmed it "
        "or it was taken back", family=FAMILY)
def unconfirmed_time(view: RunView) -> Values:
    changes = _changes(view)
    if changes is None:
        return {}
    optimistic = changes["optimistic"].astype(bool)
    return {value_key("unconfirmed_time", s): v
            for s, v in trend_stats(changes["unconfirmed_s"][optimistic]).items()}


@metric("flickers", "counter", "flickers", "lower",
        "times a change that showed vanished under a server value without it (a fetch answer "
        "that raced the write), before coming back", family=FAMILY)
def flickers(view: RunView) -> Values:
    return from_log(view, ChangeLog, "flickers", lambda c: float(c["flickers"].sum()))


@metric("lost_updates", "counter", "changes", "lower",
        "other users' changes a last-write-wins write overwrote without its writer having "
        "seen them", family=FAMILY)
def lost_updates(view: RunView) -> Values:
    return from_log(view, ChangeLog, "lost_updates", lambda c: float(c["lost"].sum()))


@metric("write_conflicts", "counter", "writes", "lower",
        "writes refused because the key had changed since the writer's version "
        "(conflicts: reject)", family=FAMILY)
def write_conflicts(view: RunView) -> Values:
    return from_log(view, ChangeLog, "write_conflicts", lambda c: float(c["conflict"].sum()))


@metric("write_error_rate", "rate", "1", "lower",
        "share of changes whose write failed (a server error, or a refused conflict)",
        family=FAMILY)
def write_error_rate(view: RunView) -> Values:
    changes = _changes(view)
    if changes is None:
        return {}
    ok = changes["ok"]
    return {"write_error_rate": 1.0 - float(ok.mean()) if len(ok) else float("nan")}
