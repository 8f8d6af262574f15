"""The circuit breaker layer and its sliding windows."""
