"""Replicas of a backend behind a load balancer, with outlier ejection and health checks."""
