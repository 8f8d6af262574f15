"""Same scenario and seed => byte-identical summary.json, whatever --jobs or strategy order."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from asyncsim.cli import cli
from tests.helpers import summary_bytes

runner = CliRunner()

SCENARIO = """\
version: 1
name: determinism
seed: 99
duration: 60s
warmup: 5s
replications: 3
backends:
  api:
    workers: 2
    latency: {lognormal: {median: 20ms, p99: 200ms}}
    errors: {rate: 0.05}
    faults:
      - {kind: slowdown, at: 20s, for: 10s, factor: 3}
workload:
  target: api
  users: 50
  arrivals: {poisson: 60/s}
  keys: {count: 100, zipf: 1.0}
strategies:
"""
STRATEGIES = {
    "a-none": "  a-none: []\n",
    "b-timeout": "  b-timeout:\n    - timeout: 50ms\n",
    "c-client-timeout": "  c-client-timeout:\n    - timeout: {after: 80ms, scope: client}\n",
}


def _run(tmp_path: Path, name: str, order: list[str], jobs: int) -> bytes:
    return summary_bytes(tmp_path, name, SCENARIO + "".join(STRATEGIES[s] for s in order), jobs)


def test_summary_is_identical_across_jobs_and_strategy_order(tmp_path: Path) -> None:
    order = list(STRATEGIES)
    one_job = _run(tmp_path, "jobs1", order, jobs=1)
    two_jobs = _run(tmp_path, "jobs2", order, jobs=2)
    reversed_order = _run(tmp_path, "reversed", order[::-1], jobs=2)
    assert one_job == two_jobs
    assert one_job == reversed_order
    assert b'"b-timeout"' in one_job and b"latency.p(99)" in one_job


def test_a_different_seed_changes_the_numbers(tmp_path: Path) -> None:
    first = _run(tmp_path, "seed99", list(STRATEGIES), jobs=1)
    scenario = tmp_path / "seed.yaml"
    scenario.write_text((SCENARIO + "".join(STRATEGIES.values())).replace("seed: 99", "seed: 100"))
    result = runner.invoke(cli, ["run", str(scenario), "--out", str(tmp_path / "s100"), "-q"])
    assert result.exit_code == 0
    assert (tmp_path / "s100" / "summary.json").read_bytes() != first



def test_a_replayed_trace_is_identical_across_jobs_and_strategy_order(tmp_path: Path) -> None:
    """The bundled trace, strategies in both orders, 1 and 2 worker processes."""
    examples = Path(__file__).resolve().parents[2] / "examples"
    head = (examples / "trace-replay.yaml").read_text().split("strategies:\n")[0]
    head = head.replace("file: trace-replay.csv", f"file: {examples / 'trace-replay.csv'}")
    head = head.replace("duration: 2m", "duration: 80s")
    blocks = ["  none: []\n", "  ttl: [{cache: {ttl: 10s}}]\n",
              "  swr: [{cache: {fresh_for: 2s, stale_for: 30s, coalesce: true}}]\n"]
    one = summary_bytes(tmp_path, "one", head + "strategies:\n" + "".join(blocks), jobs=1)
    two = summary_bytes(tmp_path, "two", head + "strategies:\n" + "".join(blocks[::-1]),
                        jobs=2)
    assert one == two and b'"swr"' in one
