"""The retry layer, its backoff schedules and its budgets."""
