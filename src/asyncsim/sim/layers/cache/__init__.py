"""The cache layer: the layer, its stores (eviction policies), expiry and revalidation."""
