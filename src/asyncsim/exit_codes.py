"""Process exit codes, one place (k6's numbers where k6 has one)."""

from enum import IntEnum, unique


@unique
class ExitCode(IntEnum):
    OK = 0
    INTERNAL_ERROR = 1
    USAGE = 2                # click/typer usage errors
    EXECUTOR_UNAVAILABLE = 69  # --executor dask without the extra, or a --scheduler that
                               # does not answer (sysexits EX_UNAVAILABLE)
    OUTPUT_ERROR = 74        # --out cannot be written: not a folder, no permission, disk
                             # full (sysexits EX_IOERR)
    GATE_FAILED = 99         # a threshold or regression gate failed (k6 ThresholdsHaveFailed)
    INVALID_SCENARIO = 104   # the scenario or a config file is invalid (k6 InvalidConfig)
    INTERRUPTED = 130        # SIGINT (128 + 2)
    TERMINATED = 143         # SIGTERM (128 + 15)
