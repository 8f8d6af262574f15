"""The page-load, prefetch and pagination examples tell the stories the README tells."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from asyncsim.cli import cli
from asyncsim.commands.common import load
from asyncsim.commands.run import run_scenario

EXAMPLES = Path(__file__).parents[2] / "src" / "asyncsim" / "examples"


def values(name: str, *overrides: str) -> dict[str, dict[str, float]]:
    loaded = load(EXAMPLES / f"{name}.yaml", ["replications=1", *overrides])
    output = run_scenario(loaded, None, jobs=1)
    return {strategy: {key: entry["mean"] for key, entry in data["values"].items()}
            for strategy, data in output.summary["strategies"].items()}


EXACT = 1e-9
"""Views start at Poisson times: the clock's float sums leave ~1e-14 s of rounding."""


def test_dashboard_is_the_lessons_timeline() -> None:
    v = values("dashboard")
    for strategy, ttac_s in (("sequential", 5.0), ("parallel", 2.0), ("boundaries", 2.0)):
        assert v[strategy]["ttac.min"] == pytest.approx(ttac_s, abs=EXACT)
        assert v[strategy]["ttac.max"] == pytest.approx(ttac_s, abs=EXACT)
    assert v["boundaries"]["ttfc.max"] == pytest.approx(0.5, abs=EXACT)
    assert v["boundaries"]["boundary_reveal{boundary:posts}.avg"] == pytest.approx(1, abs=EXACT)


def test_waterfall_is_7s_chained_and_3s_otherwise() -> None:
    v = values("waterfall")
    assert [v[s]["ttac.max"] for s in ("chained", "parallel", "declared")] == pytest.approx(
        [7.0, 3.0, 3.0], abs=EXACT)
    assert v["chained"]["boundary_reveal{boundary:c}.avg"] == pytest.approx(7.0, abs=EXACT)


def test_prefetch_trades_click_latency_for_wasted_calls() -> None:
    v = values("prefetch", "duration=2m")
    assert v["lesson-200ms"]["click_latency.med"] == 0.0
    assert v["no-prefetch"]["click_latency.med"] > 0.05
    waste = [v[s]["prefetch_waste"] for s in ("lesson-200ms", "unpoly-90ms",
                                              "tanstack-router-50ms", "solid-router-20ms")]
    assert waste == sorted(waste) and waste[0] > 0.3  # shorter delays catch more passes
    assert v["on-press"]["prefetch_waste"] == 0.0
    assert v["on-press"]["backend_calls"] == v["no-prefetch"]["backend_calls"]


def test_feed_pagination_shows_offset_duplicates_skips_and_cost() -> None:
    v = values("feed-pagination", "duration=8m")
    assert v["offset"]["duplicates"] > 10 and v["cursor"]["duplicates"] == 0
    assert v["swr-offset"]["skipped"] > 1 and v["cursor"]["skipped"] == 0
    assert v["offset"]["page_latency{page:10}.avg"] > v["offset"]["page_latency{page:1}.avg"]
    assert v["infinite-scroll"]["bottom_wait.avg"] < v["cursor"]["bottom_wait.avg"]
    assert v["tanstack-infinite"]["requests_per_session"] > v["swr-offset"][
        "requests_per_session"] > v["cursor"]["requests_per_session"] == 10


@pytest.mark.parametrize("example", ["prefetch", "feed-pagination"])
def test_client_behaviour_summaries_do_not_depend_on_jobs(example: str, tmp_path: Path) -> None:
    runner = CliRunner()
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / jobs
        result = runner.invoke(cli, ["run", str(EXAMPLES / f"{example}.yaml"), "--out", str(out),
                                     "-q", "--jobs", jobs, "--set", "duration=150s"])
        assert result.exit_code == 0, result.output
        outputs.append((out / "summary.json").read_bytes())
    assert outputs[0] == outputs[1]
