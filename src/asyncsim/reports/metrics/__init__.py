"""The metric vocabulary: the registry, the catalog that fills it, and every metric family."""
