"""Small languages that scenarios and reports share: units, names, value keys, thresholds.

A leaf: it imports nothing else of this package (tests/test_boundaries.py checks it).
"""
