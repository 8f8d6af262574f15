"""The report's recovery panel: on metastable-retries, immediate retries never recover
(the example's story) and the budget does, each replication shown; no faults, no panel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from asyncsim.commands.common import load
from asyncsim.commands.run import RunOutput, report_meta, run_scenario
from asyncsim.reports.render.charts.recovery import recovery_charts
from asyncsim.reports.render.report_data import combine_runs
from asyncsim.reports.render.run_report import plan_report, render_run_report
from tests.reports import scenarios

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
FAULT_END_S, RUN_END_S = 35.0, 80.0   # metastable-retries: the drop is 20s..35s of 80s


@pytest.fixture(scope="module")
def metastable() -> RunOutput:
    loaded = load(EXAMPLES / "metastable-retries.yaml", ["replications=2"])
    return run_scenario(loaded, None, jobs=1)


def texts(figure: Any) -> list[str]:
    return [a.text for a in figure.layout.annotations]


def strip(figure: Any) -> list[tuple[float, str]]:
    """(where each replication's line ends, its hover text), run by run."""
    return [(trace.x[-1], trace.hovertemplate) for trace in figure.data
            if trace.name and trace.name.startswith("run ")]


def test_one_chart_per_strategy_with_the_fault_shaded(metastable: RunOutput) -> None:
    data = combine_runs(metastable.runs)
    charts = recovery_charts(metastable.summary, data, report_meta(metastable.scenario))
    names = ("immediate", "budget", "throttle", "limiter")
    assert [c.id for c in charts] == [f"recovery-{i}-{s}-api-1" for i, s in enumerate(names)]
    assert [c.title for c in charts] == list(names)
    for chart in charts:
        shapes = chart.figure.layout.shapes
        assert any(s.x0 == 20 and s.x1 == FAULT_END_S for s in shapes)   # the fault window


def test_immediate_retries_never_recover(metastable: RunOutput) -> None:
    meta = report_meta(metastable.scenario)
    chart = recovery_charts(metastable.summary, combine_runs(metastable.runs), meta)[0]
    assert "did not recover (2 of 2 runs: metastable)" in texts(chart.figure)
    assert not any(t.startswith("recovered") for t in texts(chart.figure))
    assert [end for end, _ in strip(chart.figure)] == [RUN_END_S, RUN_END_S]
    assert all("metastable" in hover for _, hover in strip(chart.figure))


def test_the_budget_recovers_and_the_band_is_baseline_plus_minus_tolerance(
        metastable: RunOutput) -> None:
    meta = report_meta(metastable.scenario)
    chart = recovery_charts(metastable.summary, combine_runs(metastable.runs), meta)[1]
    values = metastable.summary["strategies"]["budget"]
    times = values["replications"]["recovery_time.max"]
    assert all(0 < t < 30 for t in times)   # the story: back in seconds
    mean = sum(times) / len(times)
    assert f"recovered after {mean:.3g} s on average (2 of 2 runs)" in texts(chart.figure)
    assert [end for end, _ in strip(chart.figure)] == [FAULT_END_S + t for t in times]
    baseline = values["values"]["baseline_goodput{fault:api#1}"]["mean"]
    band = [t.y[0] for t in chart.figure.data if t.fill == "tonexty"]
    edges = sorted({t.y[0] for t in chart.figure.data if t.mode == "lines" and t.y[0] != baseline
                    and t.name != "goodput"})
    assert band == [pytest.approx(baseline * 0.8)]
    assert edges == [pytest.approx(baseline * 0.8), pytest.approx(baseline * 1.2)]


def test_the_page_has_the_panel(metastable: RunOutput) -> None:
    meta = report_meta(metastable.scenario)
    page = render_run_report(metastable.summary, combine_runs(metastable.runs), meta, "cdn")
    assert 'id="recovery"' in page and "Recovery after faults" in page


def test_no_fault_no_panel(tmp_path: Path) -> None:
    text = scenarios.SMALL.replace(
        "    faults:\n      - {kind: slowdown, at: 30s, for: 10s, factor: 4}\n", "")
    loaded = load(scenarios.write(tmp_path, text), ["replications=2"])
    run = run_scenario(loaded, None, jobs=1)
    meta = report_meta(run.scenario)
    data = combine_runs(run.runs)
    assert recovery_charts(run.summary, data, meta) == []
    assert "recovery" not in [p.id for p in plan_report(run.summary, data, meta)]
