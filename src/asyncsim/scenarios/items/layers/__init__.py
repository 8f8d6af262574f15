"""Layers as written in a scenario, one module per kind; each config builds its sim spec."""
