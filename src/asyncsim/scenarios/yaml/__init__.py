"""Scenario YAML: reading with limits, ``--set`` overrides, source positions, error messages, plain data."""  # noqa: E501
