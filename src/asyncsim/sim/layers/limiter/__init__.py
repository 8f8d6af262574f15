"""Adaptive concurrency limiters (Netflix concurrency-limits, Envoy adaptive concurrency)."""

from asyncsim.sim.layers.limiter.layer import LimiterLayer, LimiterSpec

__all__ = ["LimiterLayer", "LimiterSpec"]
