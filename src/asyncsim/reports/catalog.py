"""Importing this module fills the metric registry with every family's metrics."""

from asyncsim.reports import (  # noqa: F401
    cache_metrics,
    core_metrics,
    live_metrics,
    mutation_metrics,
    pages_metrics,
    pagination_metrics,
    prefetch_metrics,
    protection_metrics,
    retry_metrics,
    staleness_metrics,
)
from asyncsim.reports.metrics import REGISTRY

__all__ = ["REGISTRY"]
