"""Atomic writes: complete files with ordinary permissions, nothing left on failure."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from asyncsim.reports.files.writers import write_atomic


def test_written_file_has_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "r.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o644
    assert (tmp_path / "r.json").read_text() == "{}"


def test_failure_leaves_no_temporary_file(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(tmp_path / "x.json", "{}")
    assert list(tmp_path.iterdir()) == []
