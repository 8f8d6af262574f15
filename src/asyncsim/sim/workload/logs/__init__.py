"""Client logs: one row per unit of work (view, click, session, display, change), kept
beside the request log and read by type."""
