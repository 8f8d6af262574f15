"""Small scenarios for report tests: a few seconds of CPU each, with a fault window."""

from __future__ import annotations

from pathlib import Path

SMALL = """\
version: 1
name: small
description: A small API slowed down for ten seconds
seed: 3
duration: 60s
warmup: 10s
replications: 3
backends:
  api:
    workers: 4
    latency: {lognormal: {median: 50ms, p99: 300ms}}
    errors: {rate: 0.01}
    faults:
      - {kind: slowdown, at: 30s, for: 10s, factor: 4}
workload:
  target: api
  users: 50
  arrivals: {poisson: 40/s}
  keys: {count: 100, zipf: 0.9}
strategies:
  no-timeout: []
  timeout-150ms:
    - timeout: 150ms
"""

HOSTILE = (SMALL.replace("name: small", 'name: "<script>alert(1)</script>"')
           .replace("description: A small API slowed down for ten seconds",
                    'description: "A small <b>API</b> & co, slowed down"')
           .replace("  timeout-150ms:", '  "<img src=x onerror=alert(2)>":'))
"""The same run with markup where a scenario allows free text: names and description."""


def write(tmp_path: Path, text: str = SMALL, name: str = "small.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
