"""Load models: when units of work begin (open, staged arrivals, closed loops, contention,
recorded traces)."""
