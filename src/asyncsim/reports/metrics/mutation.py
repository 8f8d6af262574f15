"""Live family, changes: how a user's change felt (perceived latency, flicker, time unconfirmed),
how often it had to be taken back, and what concurrent writers did to each other.

One row per change started in the measured window (the ``ChangeLog`` in RunResult.logs).
"""

from __future__ import annotations

import numpy as np

from asyncsim.reports.metrics.client_logs import Columns, from_log, log_trend
from asyncsim.reports.metrics.registry import RunView, Values, metric
from asyncsim.sim.workload.logs.live import ChangeLog

FAMILY = "live"


@metric("perceived_latency", "trend", "s", "lower",
        "from a user's change until it showed on screen: 0 when optimistic, the server's "
        "answer (or the refetch after it) when pessimistic; changes that never showed are "
        "left out", family=FAMILY)
def perceived_latency(view: RunView) -> Values:
    return log_trend(view, ChangeLog, "perceived_latency",
                     lambda c: c["perceived_s"][~np.isnan(c["perceived_s"])])


@metric("rollback_rate", "rate", "1", "lower",
        "share of optimistic changes that showed and were then taken back because the "
        "server refused the write", family=FAMILY)
def rollback_rate(view: RunView) -> Values:
    return from_log(view, ChangeLog, "rollback_rate", _rolled_back_share)


def _rolled_back_share(changes: Columns) -> float:
    optimistic = changes["optimistic"].astype(bool)
    count = int(optimistic.sum())
    rolled = int(changes["rolled_back"][optimistic].sum())
    return rolled / count if count else float("nan")


@metric("unconfirmed_time", "trend", "s", "lower",
        "per optimistic change, how long it showed before the server's answer confirmed it "
        "or it was taken back", family=FAMILY)
def unconfirmed_time(view: RunView) -> Values:
    return log_trend(view, ChangeLog, "unconfirmed_time",
                     lambda c: c["unconfirmed_s"][c["optimistic"].astype(bool)])


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
    return from_log(view, ChangeLog, "write_error_rate",
                    lambda c: 1.0 - float(c["ok"].mean()) if len(c["ok"]) else float("nan"))
