"""Cross-field checks that need more than one item: the workload, the strategies, the run."""
