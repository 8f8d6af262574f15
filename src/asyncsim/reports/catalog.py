"""Importing this module fills the metric registry with every family's metrics."""

from asyncsim.reports import (
    core_metrics,  # noqa: F401
    protection_metrics,  # noqa: F401
)
from asyncsim.reports.metrics import REGISTRY

__all__ = ["REGISTRY"]
