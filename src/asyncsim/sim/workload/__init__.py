"""Who sends what and when: arrivals, clients, keys."""
