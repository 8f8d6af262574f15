"""Live workloads keep the determinism contract: byte-identical summary.json whatever --jobs
or strategy order, and every strategy faces the same users (common random numbers)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.helpers import summary_bytes

runner = CliRunner()

SCENARIO = """\
version: 1
name: live-determinism
seed: 5
duration: 10m
warmup: 1m
replications: 2
backends:
  api:
    workers: 4
    latency: {exponential: 80ms}
    errors: {rate: 0.05}
    data: {change_rate: 2/min}
  writes:
    workers: 4
    latency: {exponential: 200ms}
    errors: {rate: 0.1}
workload:
  target: api
  users: 30
  keys: {count: 6, zipf: 1.0}
  live:
    views: 2
    visibility: {visible: {exponential: 1m}, hidden: {exponential: 1m}}
    network: {online: {exponential: 5m}, offline: {exponential: 10s}}
    mutations: {rate: 2/min, target: writes, conflicts: reject}
strategies:
"""
STRATEGIES = {
    "a-poll": "  a-poll:\n    - polling: {preset: tanstack-query-v5, interval: 5s}\n"
              "    - focus: {preset: tanstack-query-v5}\n"
              "    - mutation: {preset: tanstack-query-v5}\n",
    "b-swr": "  b-swr:\n    - polling: {preset: swr-2, interval: 5s}\n"
             "    - focus: {preset: swr-2}\n    - mutation: {preset: swr-2}\n"
             "    - dedup: {scope: client, window: 2s}\n",
    "c-push": "  c-push:\n    - push: {delay: {exponential: 300ms}, disconnects: 1/min}\n"
              "    - mutation: {mode: optimistic_refetch}\n",
}


def _run(tmp_path: Path, name: str, order: list[str], jobs: int) -> bytes:
    return summary_bytes(tmp_path, name, SCENARIO + "".join(STRATEGIES[s] for s in order), jobs)


def test_live_summary_is_identical_across_jobs_and_strategy_order(tmp_path: Path) -> None:
    order = list(STRATEGIES)
    one_job = _run(tmp_path, "jobs1", order, jobs=1)
    assert one_job == _run(tmp_path, "jobs2", order, jobs=2)
    assert one_job == _run(tmp_path, "reversed", order[::-1], jobs=2)
    strategies = json.loads(one_job)["strategies"]
    # the same tabs shown and hidden at the same times in every strategy
    shares = {s["values"]["visible_share"]["mean"] for s in strategies.values()}
    assert len(shares) == 1
    assert all(s["values"]["rollback_rate"]["mean"] > 0 for s in strategies.values())
