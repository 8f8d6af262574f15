"""Show that a change leaves every bundled example's summary.json byte-identical.

Runs each ``examples/*.yaml`` twice, once with the source tree of a base commit (checked
out in a temporary git worktree) and once with this working tree, both with the default jobs,
and compares the bytes. Prints one line per example; exits 1 when any differ.

    .venv/bin/python tools/same_summaries.py --base 6dda38c

Why a script and not a test: the point is a comparison against another commit, which a
clean checkout's test suite cannot hold; refactors quote its output in their notes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_examples(src: Path, examples: list[Path], out: Path) -> dict[str, bytes]:
    """summary.json bytes of each example, run with the package found under ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "100"}
    found = {}
    for example in examples:
        target = out / example.stem
        result = subprocess.run(
            [sys.executable, "-m", "asyncsim", "run", str(example), "--out", str(target),
             "-q"],
            env=env, capture_output=True, text=True, check=False)
        if result.returncode not in (0, 99):  # 99: a gate failed, the summary is written
            found[example.stem] = f"exit {result.returncode}: {result.stderr[-400:]}".encode()
            continue
        found[example.stem] = (target / "summary.json").read_bytes()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="commit to compare against")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "asyncsim-same",
                        help="where the base commit's summaries are kept between calls")
    args = parser.parse_args()
    base = subprocess.run(["git", "rev-parse", args.base], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout.strip()
    examples = sorted((ROOT / "src/asyncsim/examples").glob("*.yaml"))
    cached = args.cache / base
    with tempfile.TemporaryDirectory() as tmp:
        if not cached.is_dir():
            tree = Path(tmp) / "base"
            subprocess.run(["git", "worktree", "add", "--detach", str(tree), base], cwd=ROOT,
                           capture_output=True, check=True)
            try:
                found = run_examples(tree / "src", examples, Path(tmp) / "before")
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT,
                               capture_output=True, check=False)
            cached.mkdir(parents=True)
            for name, data in found.items():
                (cached / f"{name}.json").write_bytes(data)
        before = {p.stem: p.read_bytes() for p in cached.glob("*.json")}
        after = run_examples(ROOT / "src", examples, Path(tmp) / "after")
    differ = 0
    for name in sorted(after):
        same = before.get(name) == after[name]
        differ += not same
        print(f"{'same   ' if same else 'DIFFERS'} {name} ({len(after[name])} bytes)")
    print(f"{len(after) - differ} of {len(after)} summaries byte-identical to {base[:12]}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
