"""Tests that need an optional package or program: required in CI, skipped elsewhere.

Why: CI installs the dev extra (pyarrow, kaleido, playwright) and Debian's chromium, so
there a missing piece is a broken setup and must fail the build; on a developer machine
without them the rest of the suite still runs, and the skip says what is missing.
"""

from __future__ import annotations

import importlib
import os
import shutil
from types import ModuleType

import pytest

CHROMIUM = "/usr/bin/chromium"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _missing(what: str) -> None:
    if in_ci():
        pytest.fail(f"{what} is missing in CI: .ci/run must install it")
    pytest.skip(f"{what} is not installed here (CI installs it)")


def need_module(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError:
        _missing(f"the Python package {name!r}")
        raise  # unreachable: _missing fails or skips


def need_chromium() -> str:
    path = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    if path is None:
        _missing("Chromium (Debian package chromium)")
        raise AssertionError("unreachable")
    return path
