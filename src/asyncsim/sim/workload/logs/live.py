"""Columnar records of live views (logs/columns.py), kept beside the request log and
read by type from ``RunResult.logs``.

The request log has one row per fetch; what only the live workload knows (how long each
display was outdated while visible, which changes were taken back) is one row per display,
per user or per change here. Typed arrays as in sim/record.py; reports read numpy arrays.
"""

from __future__ import annotations

from typing import ClassVar

from asyncsim.sim.workload.logs.columns import ColumnLog


class LiveLog(ColumnLog):
    """A :class:`ColumnLog` whose rows need not have a start time (a display's or a user's
    totals over the window): its length is that of its first column."""

    def __len__(self) -> int:
        return len(next(iter(self.arrays.values())))


class DisplayLog(LiveLog):
    """One row per displayed key of a user, over the measured window (see display.Display).

    Areas are time integrals in s·s (age) or version·s (behind); ``versions``: versions of
    the key superseded in the window, ``versions_seen`` those of them the user saw;
    ``pushes`` counts push messages delivered in the window.
    """

    COLUMNS: ClassVar[dict[str, str]] = {
        "client": "i", "key": "i", "visible_s": "d", "stale_s": "d", "stale_age_area": "d",
        "age_area": "d", "behind_area": "d", "versions": "i", "versions_seen": "i",
        "pushes": "i"}


class UserLog(LiveLog):
    """One row per user over the measured window: time visible, time online."""

    COLUMNS: ClassVar[dict[str, str]] = {"client": "i", "visible_s": "d", "online_s": "d"}


class SwitchLog(LiveLog):
    """One row per switch of a tab (``network`` 0: shown or hidden) or of the network
    (``network`` 1: online or offline); ``on`` is the new state (visible, online)."""

    COLUMNS: ClassVar[dict[str, str]] = {"t_s": "d", "client": "i", "network": "b", "on": "b"}


class ChangeLog(LiveLog):
    """One row per change a user made (a mutation), once its outcome is known.

    ``ok``: the server kept the write; ``conflict``: refused because the key had changed
    since the version the user changed (conflicts: reject); ``lost``: other users' changes a
    last-write-wins commit overwrote unseen; ``write_s``: server response time;
    ``perceived_s``: from the action until the change showed (0 optimistic, NaN never);
    ``unconfirmed_s``: time the change showed before the server's answer confirmed it or it
    was taken back; ``rolled_back``: shown, then taken back because the write failed;
    ``flickers``: times it vanished under a server value that did not have it (a fetch
    answer racing the write, or a settled change of the user's own).
    """

    COLUMNS: ClassVar[dict[str, str]] = {
        "t_start_s": "d", "client": "i", "key": "i", "optimistic": "b", "ok": "b",
        "conflict": "b", "lost": "i", "write_s": "d", "perceived_s": "d",
        "unconfirmed_s": "d", "rolled_back": "b", "flickers": "i"}


class LiveCounters(dict[str, int]):
    """What the live fetcher counted in the measured window (polls skipped while hidden,
    fetches joined, pushes...), by counter name; kept when the window closes."""


class StaleTime:
    """Visible time with data, and the part of it showing a superseded value, per time bin
    (seconds summed over every displayed key of every user): the report's staleness over
    time. The same integrals as ``DisplayLog``'s ``visible_s`` and ``stale_s``, cut at bin
    edges; ``bins`` over ``duration_s`` as the run's series (warm-up bins stay empty:
    displays measure only in the window)."""

    def __init__(self, duration_s: float, bins: int) -> None:
        self.bin_s = duration_s / bins
        self.visible_s = [0.0] * bins
        self.stale_s = [0.0] * bins

    def add(self, column: list[float], a: float, b: float) -> None:
        """Add the segment [a, b) to ``column``, split at bin edges (the last bin takes
        what runs past the end, as the request series do)."""
        last = len(column) - 1
        index = min(int(a / self.bin_s), last)
        while a < b:
            edge = b if index == last else min(b, (index + 1) * self.bin_s)
            column[index] += edge - a
            a = edge
            index += 1
