"""The default cost limits, apart from the estimate so the command line can show them
without loading the scenario models (``asyncsim --help`` stays fast)."""

MAX_REQUESTS = 200_000_000
"""Default limit on the expected units of work of a whole run (about half an hour at the
~100,000 simulated requests per second one core manages)."""
MAX_MEMORY_BYTES = 4 * 1024**3
"""Default limit on the memory one simulation process is expected to hold."""
