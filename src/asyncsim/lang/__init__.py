"""Small languages that scenarios and reports share: units, names, value keys, thresholds. Imports nothing else of asyncsim."""  # noqa: E501
