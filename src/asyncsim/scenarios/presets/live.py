"""Presets of live client behaviours: real libraries' documented polling, focus and
optimistic-update behaviour as defaults for the ``polling``, ``focus`` and ``mutation``
strategy items.

As with cache presets, a field written next to ``preset`` overrides the preset's value.
Every entry cites the section of docs/library-defaults.md it reproduces.
A preset never sets a polling interval: both libraries poll only when one is given
(TanStack ``refetchInterval`` defaults to false, SWR ``refreshInterval`` to 0).

Not modelled: Apollo Client's ``pollInterval`` (§1.4 documents only that it exists and that
``skipPollAttempt`` can skip ticks, e.g. while hidden: write ``in_background: false`` for
that; the timer semantics are not documented there); SWR's error retry (``onErrorRetry``,
only while active), which belongs to a retry layer below the behaviour.
"""

from __future__ import annotations

from typing import Any, Literal

LivePreset = Literal["tanstack-query-v5", "swr-2"]


POLLING_PRESETS: dict[str, dict[str, Any]] = {
    # §1.2 TanStack Query v5, refetchInterval: "Fixed-rate setInterval. A tick that fires while
    # a fetch is in flight joins it. It fires only when focused unless
    # refetchIntervalInBackground: true"; refetchIntervalInBackground defaults to false.
    # Independent of staleTime, and nothing skips a tick after an error.
    "tanstack-query-v5": {"mode": "fixed_rate", "in_background": False, "smart": False,
                          "skip_on_error": False},
    # §1.3 SWR 2.x, refreshInterval: "After-completion chaining: setTimeout(execute, interval),
    # then revalidate().then(next). A tick is skipped (just rescheduled) if the cache holds an
    # error, the page is hidden, or the browser is offline"; refreshWhenHidden false.
    "swr-2": {"mode": "after_completion", "in_background": False, "smart": False,
              "skip_on_error": True},
}


FOCUS_PRESETS: dict[str, dict[str, Any]] = {
    # §1.2 refetchOnWindowFocus / refetchOnReconnect true: "Refetch only if stale"; staleTime
    # default 0 (so always stale); "No throttle: staleTime is the only brake. Focus/reconnect
    # refetches use cancelRefetch:false, so they join an in-flight fetch."
    "tanstack-query-v5": {"on_focus": True, "on_reconnect": True, "throttle": 0.0,
                          "stale_time": 0.0, "active_only": False},
    # §1.3 focusThrottleInterval 5000: "Per hook instance: a focus revalidation is allowed only
    # if now > nextFocusRevalidatedAt, which starts at mount + 5 s"; revalidateOnFocus and
    # revalidateOnReconnect true, "Only when active (visible and online)"; "SWR has no
    # freshness TTL".
    "swr-2": {"on_focus": True, "on_reconnect": True, "throttle": 5.0, "stale_time": 0.0,
              "active_only": True},
}


MUTATION_PRESETS: dict[str, dict[str, Any]] = {
    # §1.2 optimistic updates: "in onMutate, cancelQueries → snapshot with getQueryData →
    # setQueryData ... onError restores the snapshot; onSettled calls invalidateQueries".
    # The mutation's answer is not written to the query (the refetch brings it); mutation
    # retry defaults to 0.
    "tanstack-query-v5": {"mode": "optimistic_rollback", "populate": False,
                          "refetch_after": True, "race_guard": "cancel"},
    # §1.3 "mutate(key, data|promise, { optimisticData, rollbackOnError = true, populateCache =
    # true, revalidate = true })"; "Rollback restores the committed data"; "A revalidation that
    # overlaps a local mutate() is also discarded."
    "swr-2": {"mode": "optimistic_rollback", "populate": True, "refetch_after": True,
              "race_guard": "discard"},
}
