"""Explore: the tipping point of a scenario (bisection) and its map over two parameters."""
