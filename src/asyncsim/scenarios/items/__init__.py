"""Strategy items, one module per kind: layers (in the request path) and behaviours (how
the workload asks)."""
