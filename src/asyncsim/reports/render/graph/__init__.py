"""Charts of the service-graph and cache-tier sections (a subfolder: reports/render/ holds
its limit of modules)."""
