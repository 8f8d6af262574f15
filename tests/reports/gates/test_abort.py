"""abort_on_fail: a failing threshold stops its runs early, and the time reached is reported."""

from __future__ import annotations

from asyncsim.lang.thresholds import parse_threshold
from asyncsim.reports.gates.abort import CHECKS_PER_RUN, stop_check
from asyncsim.reports.metrics.catalog import REGISTRY
from tests.helpers import run_yaml

# One worker at 12 req/s of 100 ms service: rho 1.2, so the queue (and latency) grows
# without bound; p(99) passes 1 s within seconds of the start.
OVERLOADED = """
version: 1
name: abort
seed: 4
duration: 100s
warmup: 10s
replications: 2
backends:
  api:
    workers: 1
    latency: {exponential: 100ms}
workload:
  target: api
  arrivals: {poisson: 12/s}
strategies:
  plain: []
  capped:
    - timeout: 500ms
thresholds:
  "latency{strategy:plain}":
    - {threshold: "p(99) < 1s", abort_on_fail: true, delay_abort_eval: 30s}
"""


def test_abort_on_fail_stops_the_failing_strategy_early_and_reports_the_time() -> None:
    output = run_yaml(OVERLOADED)
    section = output.summary["thresholds"]
    stops = section["stopped_early"]
    assert [(s["strategy"], s["replication"]) for s in stops] == [("plain", 0), ("plain", 1)]
    # Checks every 1% of the 90 s window (0.9 s) after warm-up; none before 30 s.
    for stop in stops:
        assert 30.0 <= stop["sim_time_s"] < 31.0
        assert stop["threshold"] == "latency{strategy:plain}: p(99) < 1s"
    [check] = section["checks"]
    assert check["ok"] is False and section["ok"] is False
    assert [s["sim_time_s"] for s in check["stopped"]] == [s["sim_time_s"] for s in stops]
    assert "stopped 2 of 2 replication(s) early" in check["note"]
    plain, capped = (output.summary["strategies"][n]["values"] for n in ("plain", "capped"))
    # The stopped strategy measured about 20 s of the window, the other all 90 s.
    assert plain["requests"]["mean"] < 0.3 * capped["requests"]["mean"]
    assert not output.verdict.ok


def test_an_abort_threshold_that_holds_changes_no_metric() -> None:
    holding = OVERLOADED.replace("p(99) < 1s", "p(99) < 1h")
    without = OVERLOADED.split("thresholds:")[0]
    watched, plain = run_yaml(holding), run_yaml(without)
    assert watched.summary["thresholds"]["stopped_early"] == []
    assert watched.summary["strategies"] == plain.summary["strategies"]


def test_stop_check_only_for_abort_thresholds() -> None:
    plain = parse_threshold("latency", "avg < 1s", REGISTRY)
    aborting = parse_threshold("latency", "p(97) < 1s", REGISTRY, abort_on_fail=True)
    assert stop_check([plain], 100.0, 10.0) is None
    check = stop_check([plain, aborting], 100.0, 10.0)
    assert check is not None
    assert check.every_s == 90.0 / CHECKS_PER_RUN
    assert check.should_stop.thresholds == (aborting,)  # type: ignore[attr-defined]
    assert check.should_stop.extra_percentiles == (97.0,)  # type: ignore[attr-defined]
