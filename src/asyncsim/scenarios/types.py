"""Value types of the scenario language that pydantic validates: quantities with units, and
the outcome names items refer to.

The parsing itself is in :mod:`asyncsim.lang.units` (shared with the reports); this module
only attaches it to pydantic, with the JSON Schema editors show.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema

from asyncsim.lang.units import (
    DURATION_HELP,
    RATE_HELP,
    finite_duration_s,
    format_duration,
    parse_duration_s,
    parse_rate_per_s,
)
from asyncsim.sim.outcome import Status


def _schema(pattern: str, description: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "pattern": pattern, "description": description})


def _finite_duration_s(value: object) -> float:
    return finite_duration_s(parse_duration_s(value))


Duration = Annotated[
    float, BeforeValidator(_finite_duration_s), PlainSerializer(format_duration),
    _schema(r"^\s*[0-9.]+\s*(us|µs|ms|s|m|min|h|d)\s*$", DURATION_HELP)]
"""Seconds, written with a unit: finite and at most ``MAX_DURATION_S``."""

DurationOrNever = Annotated[
    float, Field(allow_inf_nan=True), BeforeValidator(parse_duration_s),
    PlainSerializer(format_duration),
    _schema(r"^\s*([0-9.]+\s*(us|µs|ms|s|m|min|h|d)|inf|never)\s*$", DURATION_HELP)]
"""Seconds, or ``inf``/``never`` for the fields where "no limit" has a meaning (a ttl, a
cap, a wait limit); everywhere else a duration is finite (a latency of ``never`` would
turn every mean into NaN)."""

Rate = Annotated[
    float, BeforeValidator(parse_rate_per_s), PlainSerializer(lambda r: f"{r:g}/s"),
    _schema(r"^\s*[0-9.eE+-]+\s*/\s*[0-9.]*\s*(us|ms|s|m|min|h|d)\s*$", RATE_HELP)]
"""Events per second, written as count/unit."""

Scope = Literal["client", "shared"]
"""client: one instance per simulated client (a browser, an SDK); shared: one for everyone."""

FailureKind = Literal["error", "timeout", "rejected"]
"""Failed outcomes a retry or breaker can count."""

STATUS_OF = {"error": Status.ERROR, "timeout": Status.TIMEOUT, "rejected": Status.REJECTED,
             "short_circuited": Status.SHORT_CIRCUITED}
"""Outcome names as written in a scenario -> the simulator's statuses."""
