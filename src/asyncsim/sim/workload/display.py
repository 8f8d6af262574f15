"""What a user sees for one key, and exact time integrals of how outdated it was.

Why integrate rather than sample: the quantities case 10 of docs/validation.md asks for (share of
time a displayed value is stale, mean age, mean versions behind) are time averages. Between
two events (a new value shown, the tab shown or hidden) the displayed version is fixed and
the key's change times are known, so each integral over the segment has a closed form, like
:class:`asyncsim.sim.record.Gauge`: no sampling noise, and nothing to do between events.

Only time that is visible and shows data counts (before its first answer a view shows
nothing), and only inside the measured window (``start_window`` .. ``end_window``).
"""

from __future__ import annotations

import math

from asyncsim.sim.data import DataModel
from asyncsim.sim.workload.logs.live import StaleTime


class Display:
    """One displayed value: its version (``-1``: nothing yet) and when it was obtained.

    Integrals over visible time with data, in the measured window:
    ``visible_s``; ``stale_s`` (the shown version had been superseded);
    ``stale_age_area`` (∫ time since it was superseded, 0 while current);
    ``age_area`` (∫ time since the value was obtained); ``behind_area`` (∫ versions behind).
    ``versions_seen`` counts, of the versions *superseded* in the window, those that were
    shown while visible at some time (before the window too). Counting versions by the time
    they end, and judging each over its whole life, makes the share an unbiased estimate of
    the share of all versions never seen: counting versions born in the window would judge
    the last one on a cut life, and leave out long-lived ones unevenly at the edges.
    """

    __slots__ = ("age_area", "behind_area", "bins", "data", "first_version", "got_at", "key",
                 "last_t", "max_seen", "measuring", "stale_age_area", "stale_s",
                 "version", "versions_seen", "visible", "visible_s")

    def __init__(self, data: DataModel, key: int, now: float, visible: bool,
                 bins: StaleTime | None = None) -> None:
        self.bins = bins
        """Where visible and stale time also go, cut by time bin (None: nowhere)."""
        self.data = data
        self.key = key
        self.version = -1
        self.got_at = math.nan
        self.visible = visible
        self.last_t = now
        self.measuring = False
        self.first_version = 0
        self.max_seen = -1
        self.versions_seen = 0
        self.visible_s = 0.0
        self.stale_s = 0.0
        self.stale_age_area = 0.0
        self.age_area = 0.0
        self.behind_area = 0.0

    def show(self, now: float, version: int, got_at: float | None = None) -> None:
        """Display ``version`` from ``now``; ``got_at`` when it was obtained (default now)."""
        self._advance(now)
        self.version = version
        self.got_at = now if got_at is None else got_at
        self._see()

    def set_visible(self, now: float, visible: bool) -> None:
        self._advance(now)
        self.visible = visible
        self._see()

    def start_window(self, now: float) -> None:
        """Start measuring at ``now``."""
        self._advance(now)
        self.measuring = True
        self.first_version = self.data.version(self.key, now)
        self.versions_seen = int(self.max_seen >= self.first_version)

    def end_window(self, now: float) -> int:
        """Stop measuring; returns how many versions of the key were superseded in the
        window (``versions_seen`` then counts the seen ones among them)."""
        self._advance(now)
        self.measuring = False
        last = self.data.version(self.key, now)
        if self.max_seen >= last:
            self.versions_seen -= 1  # the version current at the end is not judged
        return last - self.first_version

    def _see(self) -> None:
        if self.visible and self.version > self.max_seen:
            self.max_seen = self.version
            if self.measuring and self.version >= self.first_version:
                self.versions_seen += 1

    def _advance(self, now: float) -> None:
        """Add the segment [last_t, now) to the integrals."""
        a = self.last_t
        self.last_t = now
        if not self.measuring or not self.visible or self.version < 0 or not now > a:
            return
        b = now
        self.visible_s += b - a
        bins = self.bins
        if bins is not None:
            bins.add(bins.visible_s, a, b)
        g = self.got_at
        self.age_area += (b - a) * (b + a - 2.0 * g) / 2.0
        superseded_at = self.data.superseded_at
        key, version = self.key, self.version
        s = superseded_at(key, version)
        if s >= b:
            return
        low = a if a > s else s
        self.stale_s += b - low
        if bins is not None:
            bins.add(bins.stale_s, low, b)
        self.stale_age_area += (b - low) * (b + low - 2.0 * s) / 2.0
        change = s
        while change < b:
            self.behind_area += b - (a if a > change else change)
            version += 1
            change = superseded_at(key, version)
