"""examples/tail-at-scale.yaml and examples/load-balancing.yaml tell their stories, and
replicated and fanned-out runs are byte-identical whatever --jobs or strategy order."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from asyncsim.commands.common import load
from asyncsim.commands.run import run_scenario
from tests.helpers import summary_bytes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _values(example: str, *overrides: str) -> dict[str, dict[str, Any]]:
    output = run_scenario(load(EXAMPLES / example, ["replications=1", *overrides]), None, jobs=1)
    return {name: {k: v["mean"] for k, v in s["values"].items()}
            for name, s in output.summary["strategies"].items()}


def test_tail_at_scale_hedging_cuts_p99_and_tied_cuts_p90_for_no_work() -> None:
    values = _values("tail-at-scale.yaml")
    plain, hedge, tied = values["no-hedge"], values["hedge-p95"], values["tied"]
    busy = "backend_utilisation{backend:leaf}"
    assert plain["requests"] == hedge["requests"] == tied["requests"]
    assert plain["latency.p(90)"] > 0.1          # 1 - 0.999^100: ~10% meet a 100-300 ms hiccup
    assert hedge["latency.p(99)"] < plain["latency.p(99)"] / 2
    assert 1.02 < hedge[busy] / plain[busy] < 1.12    # hedging after the p95: ~5-10% more work
    assert tied["latency.p(90)"] < plain["latency.p(90)"] / 2
    assert abs(tied[busy] / plain[busy] - 1) < 0.01   # tied copies queue, never serve twice
    assert tied["latency.p(99)"] > hedge["latency.p(99)"]   # a copy cannot save a slow call


def test_load_balancing_steers_around_the_slow_replica() -> None:
    values = _values("load-balancing.yaml")
    errors = {name: v["error_rate"] for name, v in values.items()}
    assert 0.08 < errors["round-robin"] < 0.12        # a tenth of the calls go to replica 3
    assert errors["least-outstanding"] < errors["round-robin"] / 5
    assert errors["p2c"] < errors["round-robin"] / 5
    assert errors["p2c-ejection"] < min(errors["least-outstanding"], errors["p2c"])


def test_replicas_and_fanouts_are_identical_across_jobs_and_strategy_order(
        tmp_path: Path) -> None:
    for example, duration in (("load-balancing.yaml", "20s"), ("tail-at-scale.yaml", "12s")):
        text = (EXAMPLES / example).read_text()
        text = text.replace("duration: 60s", f"duration: {duration}").replace(
            "duration: 30s", f"duration: {duration}").replace("replications: 2",
                                                              "replications: 1")
        head, strategies = text.split("strategies:\n")
        blocks = re.split(r"(?m)^(?=  \S)", strategies)[1:]   # one per strategy
        assert len(blocks) >= 3
        forward = head + "strategies:\n" + "".join(blocks)
        backward = head + "strategies:\n" + "".join(blocks[::-1])
        one = summary_bytes(tmp_path, f"{example}-1", forward, jobs=1)
        two = summary_bytes(tmp_path, f"{example}-2", backward, jobs=2)
        assert one == two, example
