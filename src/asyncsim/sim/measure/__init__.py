"""Streaming measurement: mergeable summaries of the requests instead of a request log.

``histogram`` holds the log-bucketed latency histogram and exact sums; ``summaries`` the
per-run summaries (histograms and counters per time bin and tag) and their time bins;
``recorder`` the chunked buffer the driver appends to, which folds full chunks into the
summaries and, when asked, spools them to disk.
"""
