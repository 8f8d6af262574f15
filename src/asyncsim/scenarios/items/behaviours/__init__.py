"""Client behaviours as written in a scenario, one module per kind; each config builds the
workload's behaviour spec."""
