"""Units of work besides a plain request, as written under ``workload:``: pages,
navigation, a feed, live views."""
