"""The round trip of issue 16: a scenario -> its request log (``--raw csv``) -> ``asyncsim
fit`` of the latency + a trace replay of the arrivals -> a new scenario that reproduces
the first one's key metrics.

Run: 2 minutes at 100 requests/s (~12,000 requests per strategy, one replication). The
new scenario replays the first one's baseline arrivals, keys and clients exactly, and its
backend latency is the fitted distribution. Tolerances (4 standard errors of the
difference of two independent runs of n = 12,000):

- latency p50 within 5% and p99 within 13%: for a lognormal of sigma 0.69 the sampling SE
  of log x_p is sigma*sqrt(p(1-p)/n)/phi(z_p): 0.8% at p50 and 2.4% at p99 per run, x
  sqrt(2) for a difference, x 4 (the fit adds ~1%, inside this);
- hit rate within 0.01 absolute and backend calls within 1%: the same requests meet the
  same cache; only the fetch times that start each TTL differ;
- baseline requests exactly equal (one per replayed record), its backend calls within
  0.1% (a call counts in the window by when it ends, and the last ones' latencies differ).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asyncsim.cli import cli

runner = CliRunner()
FIRST = """\
version: 1
name: round-trip
seed: 3
duration: 2m
backends:
  api: {workers: 200, latency: {lognormal: {median: 80ms, p99: 400ms}}}
workload:
  target: api
  users: 50
  arrivals: {poisson: 100/s}
  keys: {count: 500, zipf: 0.9}
strategies:
  baseline: []
  cached: [{cache: {ttl: 10s}}]
"""
SECOND = """\
version: 1
name: round-trip-replayed
seed: 4
duration: 2m
backends:
  api: {{workers: 200, {latency}}}
workload:
  target: api
  arrivals:
    trace: {{file: {log}, time: t_start_s, key: key, client: client, sort: true,
             where: {{strategy: baseline, replication: 0}}}}
strategies:
  baseline: []
  cached: [{{cache: {{ttl: 10s}}}}]
"""


def _values(folder: Path) -> dict[str, dict[str, float]]:
    summary = json.loads((folder / "summary.json").read_text())
    return {name: {k: v["mean"] for k, v in s["values"].items()}
            for name, s in summary["strategies"].items()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, dict[str, float]],
                                                            dict[str, dict[str, float]]]:
    folder = tmp_path_factory.mktemp("round-trip")
    (folder / "first.yaml").write_text(FIRST)
    done = runner.invoke(cli, ["run", str(folder / "first.yaml"), "-o", str(folder / "a"),
                               "-q", "--raw", "csv"])
    assert done.exit_code == 0, done.output
    log = next((folder / "a").rglob("requests.csv"))
    fitted = runner.invoke(cli, ["fit", str(log), "--column", "latency_s", "--unit", "s",
                                 "--where", "strategy=baseline"])
    assert fitted.exit_code == 0, fitted.output
    snippet = next(line for line in fitted.stdout.splitlines() if line.startswith("latency:"))
    assert re.match(r"latency: \{lognormal: ", snippet), snippet
    (folder / "second.yaml").write_text(SECOND.format(latency=snippet, log=log))
    done = runner.invoke(cli, ["run", str(folder / "second.yaml"), "-o", str(folder / "b"),
                               "-q"])
    assert done.exit_code == 0, done.output
    first, second = _values(folder / "a"), _values(folder / "b")
    for name in first:  # the figures, for -s
        print(name, {k: (first[name][k], second[name][k]) for k in
                     ("latency.med", "latency.p(99)", "hit_rate", "backend_calls")})
    return first, second


@pytest.mark.parametrize("strategy", ["baseline", "cached"])
def test_the_replayed_scenario_reproduces_latency(runs: tuple[dict[str, dict[str, float]], ...],
                                                  strategy: str) -> None:
    first, second = runs[0][strategy], runs[1][strategy]
    assert second["latency.med"] == pytest.approx(first["latency.med"], rel=0.05)
    assert second["latency.p(99)"] == pytest.approx(first["latency.p(99)"], rel=0.13)


def test_the_replayed_scenario_reproduces_hits_and_backend_calls(
        runs: tuple[dict[str, dict[str, float]], ...]) -> None:
    first, second = runs
    assert second["baseline"]["requests"] == first["baseline"]["requests"]
    assert second["baseline"]["backend_calls"] == pytest.approx(
        first["baseline"]["backend_calls"], rel=0.001)
    assert second["cached"]["hit_rate"] == pytest.approx(first["cached"]["hit_rate"], abs=0.01)
    assert second["cached"]["backend_calls"] == pytest.approx(first["cached"]["backend_calls"],
                                                              rel=0.01)
