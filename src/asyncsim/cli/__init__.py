"""The ``asyncsim`` command line: the typer app (app.py) and the calibration commands
registered on it (calibrate.py)."""

from asyncsim.cli import calibrate as calibrate  # registers fit and import har
from asyncsim.cli.app import cli, main

__all__ = ["cli", "main"]
