"""Presets as data: real libraries' documented defaults, one module per item kind, each entry
citing its source. The mechanism that merges them is ``WithPreset`` in scenarios/base.py."""
