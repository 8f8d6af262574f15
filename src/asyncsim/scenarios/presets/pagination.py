"""Pagination presets: infinite-query libraries' refetch behaviour, as ``pagination`` field
values.
"""

from __future__ import annotations

from typing import Any, Literal

PaginationPreset = Literal["tanstack-query-v5", "swr-2"]


PAGINATION_PRESETS: dict[str, dict[str, Any]] = {
    # docs/library-defaults.md §1.2: infinite queries refetch all cached pages sequentially from
    # the first page (maxPages null by default).
    "tanstack-query-v5": {"refetch": "all"},
    # §1.3: useSWRInfinite revalidateFirstPage=true, revalidateAll=false, parallel=false:
    # page 0 is refetched, plus missing or changed pages.
    "swr-2": {"refetch": "first"},
}
