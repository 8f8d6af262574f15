"""Calibration from data people already have: latency samples, histogram buckets and
percentiles (``fit``), browser HAR files (``har``) and access traces (``trace``).

Imports nothing of asyncsim but the duration units: the commands that call it decide
what to print and where to write, so every function here returns values and raises
:class:`~asyncsim.calibrate.errors.CalibrationError` on bad input.
"""
