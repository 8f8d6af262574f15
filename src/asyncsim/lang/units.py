"""Quantities as people write them: ``250ms``, ``1.5s``, ``5m``, ``50/s``, ``3000/min``.

Bare numbers are rejected where a unit is needed: ``timeout: 2`` could mean seconds or
milliseconds, and guessing wrong by 1000x is the worst kind of silent error.
"""

from __future__ import annotations

import math
import re

DURATION_UNITS_S = {"us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "min": 60.0,
                    "h": 3600.0, "d": 86400.0}
_NUMBER = r"[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?"
_DURATION = re.compile(rf"^\s*({_NUMBER})\s*([a-zµ]+)\s*$")
_RATE = re.compile(rf"^\s*({_NUMBER})\s*/\s*({_NUMBER})?\s*([a-z]+)\s*$")
DURATION_HELP = "a number with a unit: us, ms, s, m (or min), h, d; e.g. 250ms, 1.5s, 5m"
RATE_HELP = "a count per time unit, e.g. 50/s, 3000/min, 1/10s, 2/h"
MAX_DURATION_S = 1e9
"""The longest finite duration a scenario may write (about 31.7 years): longer ones are
typos or stand-ins for "never", and push event times past where float64 seconds keep
microsecond resolution. Fields that mean "never" accept ``inf`` explicitly."""
MAX_RATE_PER_S = 1e9
"""The highest rate a scenario may write: more than a billion events per simulated second
is beyond any run the cost limit lets through, and keeps 1/rate a normal float."""
MIN_RATE_PER_S = 1e-9
"""The lowest non-zero rate: below it, the mean gap between events (over 31 years) is
longer than any duration a scenario can write; write 0 for "none"."""


def parse_duration_s(value: object) -> float:
    """Seconds from ``'250ms'``; ``'inf'`` means never; bare numbers are refused."""
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, int | float) and value == 0:
            return 0.0
        raise ValueError(f"{value!r} has no unit (write {DURATION_HELP})")
    if value.strip().lower() in ("inf", "infinity", "never"):
        return float("inf")
    _refuse_negative(value)
    match = _DURATION.match(value)
    if match is None or match.group(2) not in DURATION_UNITS_S:
        raise ValueError(f"{value!r} is not a duration (write {DURATION_HELP})")
    seconds = float(match.group(1)) * DURATION_UNITS_S[match.group(2)]
    if not math.isfinite(seconds) or seconds > MAX_DURATION_S:
        raise ValueError(f"{value!r} is longer than the limit of {MAX_DURATION_S:g}s "
                         "(about 31 years)")
    return seconds


def finite_duration_s(seconds: float) -> float:
    """``seconds`` if finite; for fields where ``inf``/``never`` would make no sense."""
    if not math.isfinite(seconds):
        raise ValueError("must be a finite duration here (inf or never is not allowed; "
                         f"write {DURATION_HELP})")
    return seconds


def parse_rate_per_s(value: object) -> float:
    """Events per second from ``'3000/min'`` or ``'1/10s'``."""
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, int | float) and value == 0:
            return 0.0
        raise ValueError(f"{value!r} has no unit (write {RATE_HELP})")
    _refuse_negative(value)
    match = _RATE.match(value)
    if match is None or match.group(3) not in DURATION_UNITS_S:
        raise ValueError(f"{value!r} is not a rate (write {RATE_HELP})")
    per = float(match.group(2)) if match.group(2) else 1.0
    count, per_s = float(match.group(1)), per * DURATION_UNITS_S[match.group(3)]
    if count == 0:
        return 0.0
    if not math.isfinite(count) or not math.isfinite(per_s) or per_s <= 0:
        raise ValueError(f"{value!r} is not a finite rate (the time after / must be more "
                         "than zero)")
    rate = count / per_s
    if not MIN_RATE_PER_S <= rate <= MAX_RATE_PER_S:
        raise ValueError(f"{value!r} is outside the allowed rates: 0, or from "
                         f"{MIN_RATE_PER_S:g}/s to {MAX_RATE_PER_S:g}/s")
    return rate


def _refuse_negative(value: str) -> None:
    if value.strip().startswith("-"):
        raise ValueError(f"{value!r} is negative (must be zero or more)")


def format_duration(seconds: float) -> str:
    """The inverse of parse_duration_s, for messages and --set round trips."""
    if seconds == float("inf"):
        return "inf"
    if seconds == 0 or seconds >= 1:
        return f"{seconds:g}s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:g}ms"
    return f"{seconds * 1e6:g}us"
