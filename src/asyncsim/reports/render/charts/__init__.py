"""Report charts beyond the core set, one module per panel (reports/render is full)."""
