"""Columnar records of client behaviour, kept beside the request log.

A page view issues several requests, a reading session a dozen: the request log keeps one
row per request (so latency and hit rates mean what they always mean), and these logs keep
one row per view, click, prefetch, page read or session, with what only the workload knows
(time to first content, whether a prefetch was ever used, duplicates seen). Like
:class:`asyncsim.sim.record.RequestLog` they are typed arrays, appended as units finish,
read by the reports as numpy arrays. Every log has ``t_start_s`` so reports can drop what
began during warm-up.
"""

from __future__ import annotations

from array import array
from typing import Any, ClassVar

import numpy as np


class ColumnLog:
    """Subclasses name their columns and typecodes in ``COLUMNS``; one array per column."""

    COLUMNS: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        self.arrays: dict[str, array[Any]] = {
            name: array(code) for name, code in self.COLUMNS.items()}

    def __len__(self) -> int:
        return len(self.arrays["t_start_s"])

    def columns(self) -> dict[str, np.ndarray]:
        """numpy copies of every column (copies: a log may still grow after a read)."""
        return {name: np.array(values, dtype=values.typecode)
                for name, values in self.arrays.items()}

    def add(self, *row: float) -> int:
        """Append one row, values in ``COLUMNS`` order; returns its index."""
        index = len(self)
        for values, value in zip(self.arrays.values(), row, strict=True):
            values.append(value)
        return index


class ViewLog(ColumnLog):
    """One row per page view once all its resources settled.

    ``failed`` counts resources that delivered nothing (an error, or a parent that failed
    so the request was never sent); ``reveal_s`` holds one column per Suspense boundary,
    the time from the view's start until every resource under the boundary settled;
    ``started_s`` and ``settled_s`` one column per resource, the times from the view's
    start until its request began and until its outcome came (NaN: never requested, its
    parent failed), which a report's waterfall draws.
    """

    COLUMNS: ClassVar[dict[str, str]] = {
        "t_start_s": "d", "client": "i", "page": "i", "ttfc_s": "d", "ttac_s": "d",
        "requests": "i", "attempts": "i", "failed": "i"}

    def __init__(self, boundaries: tuple[str, ...], resources: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.boundaries = boundaries
        self.resources = resources
        self.reveal_s = [array("d") for _ in boundaries]
        self.started_s = [array("d") for _ in resources]
        self.settled_s = [array("d") for _ in resources]

    def reveals(self) -> dict[str, np.ndarray]:
        """Boundary name -> reveal time of each view, in row order."""
        return {name: np.array(values, dtype="d")
                for name, values in zip(self.boundaries, self.reveal_s, strict=True)}

    def timings(self) -> tuple[np.ndarray, np.ndarray]:
        """(started, settled): arrays of shape (views, resources), in row order."""
        shape = (len(self), len(self.resources))
        return (np.array(self.started_s, dtype="d").T.reshape(shape),
                np.array(self.settled_s, dtype="d").T.reshape(shape))


class ClickLog(ColumnLog):
    """One row per click on a link: how long until the page's data was there.

    ``prefetched``: 0 fetched on click, 1 prefetched data ready, 2 joined a prefetch in
    flight, 3 served by the strategy's cache after a prefetch (``keep: cache``).
    """

    COLUMNS: ClassVar[dict[str, str]] = {
        "t_start_s": "d", "client": "i", "key": "i", "latency_s": "d", "ok": "b",
        "prefetched": "b"}


class PrefetchLog(ColumnLog):
    """One row per prefetch started; ``used`` and ``attempts`` are filled in later."""

    COLUMNS: ClassVar[dict[str, str]] = {
        "t_start_s": "d", "client": "i", "key": "i", "used": "b", "ok": "b", "attempts": "i"}


class PageReadLog(ColumnLog):
    """One row per page of a feed a reader loaded (refetches included).

    ``depth`` is the page number from 1; ``wait_s`` the time the reader spent at the
    bottom of the list waiting for this page (NaN for the first page and refetches).
    """

    COLUMNS: ClassVar[dict[str, str]] = {
        "t_start_s": "d", "depth": "i", "latency_s": "d", "wait_s": "d", "refetch": "b",
        "ok": "b"}


class SessionLog(ColumnLog):
    """One row per finished reading session: what the final list showed.

    ``duplicates_by_page`` and ``skipped_by_page`` hold one column per page depth (from
    1): items page d showed that an earlier page had shown, and items still in the feed
    that the reader passed over when page d took the list deeper; each sums over pages
    to the session's ``duplicates`` and ``skipped``.
    """

    COLUMNS: ClassVar[dict[str, str]] = {
        "t_start_s": "d", "client": "i", "pages": "i", "requests": "i", "items": "i",
        "duplicates": "i", "skipped": "i"}

    def __init__(self, pages: int = 0) -> None:
        super().__init__()
        self.duplicates_by_page = [array("i") for _ in range(pages)]
        self.skipped_by_page = [array("i") for _ in range(pages)]

    def by_page(self) -> tuple[np.ndarray, np.ndarray]:
        """(duplicates, skipped): arrays of shape (sessions, pages), in row order."""
        shape = (len(self), len(self.duplicates_by_page))
        return (np.array(self.duplicates_by_page, dtype="d").T.reshape(shape),
                np.array(self.skipped_by_page, dtype="d").T.reshape(shape))
