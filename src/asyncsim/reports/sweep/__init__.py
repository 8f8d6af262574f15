"""Parameter sweeps: the grid of points, the table of results with its Pareto front,
and the sweep report."""
