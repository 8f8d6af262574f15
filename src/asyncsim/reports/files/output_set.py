"""A run's files land as one set: all of the new ones, or the old ones untouched.

Why: a report is summary.json *and* report.html (and raw/, png/); a reader who finds a new
summary beside an old report draws wrong conclusions. So the set is written into a
staging folder beside ``--out`` (same filesystem, so renames are atomic), then swapped in:
the old folder is renamed aside, the staging folder renamed into place, the old one
removed. An error or an interruption before the swap removes the staging folder and
leaves ``--out`` as it was; one between the two renames puts the old folder back.

The staging folder is made *before* the simulation, which is the check that ``--out`` can
be written: a file in the way, a read-only filesystem or a missing permission is reported
in a second, not after the run. Files in ``--out`` that are not part of a report (a note
the user keeps there) are carried over into the new set.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from asyncsim.lang.text import printable
from asyncsim.reports.files.writers import umask_bits, write_atomic

SET_NAMES = frozenset({"summary.json", "report.html", "raw", "png", "latency.hlog"})
"""What a run writes into ``--out``: these are replaced as a whole; the rest is kept."""
SPOOL_NAME = ".raw-spool"
"""Where ``--raw`` runs spool their request rows inside the staging folder; removed once
raw/ is written, so it never reaches ``--out``."""
SWEEP_NAMES = frozenset({"sweep.csv", "sweep.parquet", "sweep.html"})
"""What a sweep writes into its folder, replaced as a whole in the same way."""
EXPLORE_NAMES = frozenset({"explore.json", "explore.html"})
"""What explore writes into its folder, replaced as a whole in the same way."""


class OutputError(Exception):
    """The report cannot be written (not a directory, no permission, disk full): exit 74."""


def output_error(target: Path, error: OSError) -> OutputError:
    reason = error.strerror or type(error).__name__
    return OutputError(f"cannot write the report to {printable(target)}: {reason}"
                       + (f" ({printable(error.filename)})" if error.filename else ""))


def write_output(path: Path, data: str | bytes) -> None:
    """A single file the user named (--junit, --markdown, --html, init, import har):
    written whole or not at all, and a write that fails is the user's error (exit 74)."""
    try:
        write_atomic(path, data)
    except OSError as error:
        raise output_error(path, error) from None


def check_output_file(path: Path) -> None:
    """Refuse, before any simulating, a file the user named that cannot be written: a
    folder in its place, or its nearest existing folder not writable."""
    if path.is_dir():
        raise OutputError(f"{printable(path)} is a folder, not a file")
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise OutputError(f"cannot write {printable(path)}: {printable(folder)} is a file, "
                          "not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {printable(path)}: permission denied "
                          f"({printable(folder)})")


class StagedOutput:
    """The staging folder of one run's output set (see the module docstring)."""

    def __init__(self, target: Path, names: frozenset[str] = SET_NAMES) -> None:
        self.target = target
        self.names = names
        try:
            if target.exists() and not target.is_dir():
                raise OutputError(f"--out {printable(target)} is a file, not a folder")
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_dir() and not os.access(target, os.W_OK | os.X_OK):
                raise OutputError(f"cannot write the report to {printable(target)}: "
                                  "permission denied")
            self.path = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-",
                                              dir=target.parent))
            self.path.chmod(0o777 & ~umask_bits())  # mkdtemp makes 0700; a report is shared
        except (FileExistsError, NotADirectoryError):
            raise OutputError(f"--out {printable(target)} is below a file, not a "
                              "folder") from None
        except OSError as error:
            raise output_error(target, error) from None
        self.committed = False

    def commit(self) -> None:
        """Swap the staged set into place (carrying over files that are not ours)."""
        target, old = self.target, None
        try:
            if target.is_dir():
                for entry in target.iterdir():
                    if entry.name not in self.names and not (self.path / entry.name).exists():
                        _copy(entry, self.path / entry.name)
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
                os.replace(target, old / "set")
            try:
                os.replace(self.path, target)
            except BaseException:
                if old is not None:
                    os.replace(old / "set", target)
                raise
        except OSError as error:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
            raise output_error(target, error) from None
        self.committed = True
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def final(self, path: Path) -> Path:
        """Where a staged file lives once committed."""
        return self.target / path.relative_to(self.path)

    def discard(self) -> None:
        """Remove the staging folder unless committed (always safe to call)."""
        if not self.committed:
            shutil.rmtree(self.path, ignore_errors=True)


PAUSE_ENV = "ASYNCSIM_TEST_PAUSE_WRITING"
"""A test hook: when set to a path, a run creates that file once summary.json is staged
and waits there (up to 60 s) so a test can interrupt it mid-write deterministically."""


def pause_for_tests() -> None:
    marker = os.environ.get(PAUSE_ENV)
    if not marker:
        return
    Path(marker).touch()
    for _ in range(600):
        time.sleep(0.1)


def _copy(source: Path, dest: Path) -> None:
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, dest, symlinks=True)
    else:
        shutil.copy2(source, dest, follow_symlinks=False)
