"""Scenario files: YAML loading, validation models and friendly error reporting."""
