"""Cache presets: real libraries' documented cache behaviour as ``cache`` field defaults.

A preset is a named set of defaults for the fields of ``- cache:``; any field written next
to it overrides the preset's value (``{preset: tanstack-query-v5, fresh_for: 10s}``). Values
are in the units of the validated fields (seconds). Every entry cites the section of
docs/library-defaults.md it reproduces.

How library notions map onto the cache's fields:

- *staleTime* (TanStack) is ``fresh_for``: data is fresh for that long after the fetch
  completed (``dataUpdatedAt``); a request (a mount) on stale data gets the cached data at
  once and a background refetch, so ``stale_for`` is unlimited.
- *gcTime* (TanStack) is ``ttl`` with ``expiry: sliding``: a query with no observers is
  removed gcTime after its last observer left. A simulated request observes its entry for
  an instant, so "last observer left" is "last request for the key".
- SWR's *dedupingInterval* is ``fresh_for`` counted from the response, with
  ``coalesce`` for the in-flight part: inside it nothing is refetched; outside it every
  request with cached data revalidates (SWR has no freshness TTL).
- In-flight deduplication, which every library here except createResource does, is
  ``coalesce: true``. Requests are what the simulator sends, so "a mount" is a request.

Not modelled (no notion of it in a request stream): live observers keeping a Solid Router
entry reusable, back/forward navigation intent, focus/reconnect refetches, polling.
"""

from __future__ import annotations

import math
from typing import Any, Literal

CachePreset = Literal["solid-createResource", "solid-router-query", "tanstack-query-v5", "swr-2",
                     "apollo-cache-first", "apollo-cache-and-network"]


CACHE_PRESETS: dict[str, dict[str, Any]] = {
    # §1.1 SolidJS createResource: "no cache and no cross-component dedup (two createResource
    # calls with the same fetcher make two requests), no TTL". A ttl of 0 keeps nothing.
    "solid-createResource": {"ttl": 0.0, "coalesce": False, "scope": "client"},
    # §1.1 @solidjs/router query(): "A cached entry is reused if it is < PRELOAD_TIMEOUT = 5000 ms
    # old"; "Concurrent calls within the window share one promise (dedup + short TTL)"; the
    # sweeper "deletes observer-less entries older than CACHE_TIMEOUT = 180000" (it runs every
    # 300000 ms; the entry is never reused after 5 s anyway, so only memory is affected).
    "solid-router-query": {"fresh_for": 5.0, "stale_for": 5.0, "ttl": 180.0,
                           "expiry": "insertion", "coalesce": True, "scope": "client"},
    # §1.2 TanStack Query v5: staleTime default 0; gcTime default 5*60*1000, inactive queries
    # removed after gcTime, no size/LRU bound; refetchOnMount true = refetch only if stale,
    # showing the cached data meanwhile; "query.fetch() returns the existing retryer promise
    # if one is running" (in-flight dedup).
    "tanstack-query-v5": {"fresh_for": 0.0, "stale_for": math.inf, "ttl": 300.0,
                          "expiry": "sliding", "coalesce": True, "scope": "client"},
    # §1.3 SWR 2.x: dedupingInterval 2000, FETCH[key] "deleted dedupingInterval ms after the
    # response resolves", "on error it is deleted immediately, so errors are never deduped";
    # revalidateIfStale true and "SWR has no freshness TTL"; "The default cache is a global
    # Map with no eviction".
    "swr-2": {"fresh_for": 2.0, "stale_for": math.inf, "ttl": math.inf, "expiry": "insertion",
              "coalesce": True, "scope": "client"},
    # §1.4 Apollo Client 4.x, fetchPolicy cache-first (the default): "answer from the cache if
    # all requested fields are present, else go to the network"; "No TTL, no staleTime, no
    # gcTime"; queryDeduplication defaults to true.
    "apollo-cache-first": {"fresh_for": math.inf, "stale_for": math.inf, "ttl": math.inf,
                           "expiry": "insertion", "coalesce": True, "scope": "client"},
    # §1.4 Apollo cache-and-network: "return cache data and also fetch from the network. This
    # is SWR-style revalidation"; no TTL; queryDeduplication true.
    "apollo-cache-and-network": {"fresh_for": 0.0, "stale_for": math.inf, "ttl": math.inf,
                                 "expiry": "insertion", "coalesce": True, "scope": "client"},
}
