"""The gates of a run or a check: thresholds and baseline rules, parsed before any work,
and the verdict's CI files (JUnit XML, Markdown) and report lines after."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from asyncsim.lang.thresholds import (
    Threshold,
    ThresholdError,
    parse_threshold,
    split_cli_threshold,
)
from asyncsim.lang.value_key import ValueKey
from asyncsim.reports.files.output_set import write_output
from asyncsim.reports.files.summary_json import read_summary
from asyncsim.reports.gates.baseline import parse_compare_fail
from asyncsim.reports.gates.junit import junit_xml
from asyncsim.reports.gates.markdown import markdown_summary
from asyncsim.reports.gates.verdict import Gates, Verdict
from asyncsim.reports.gates.wording import change_text, observed_text
from asyncsim.reports.metrics.catalog import REGISTRY
from asyncsim.reports.render.report_data import Check
from asyncsim.scenarios.load import LoadedScenario
from asyncsim.scenarios.problems import Problem, ScenarioError
from asyncsim.scenarios.thresholds import known_tag_values


def run_gates(loaded: LoadedScenario, thresholds: Sequence[str] = (),
              baseline: Path | None = None, compare_fail: Sequence[str] = ()) -> Gates:
    """The scenario's thresholds plus the command line's, and the baseline rules.

    Called before running so a typo or an unreadable baseline fails in a second, not
    after the simulation.
    """
    scenario = loaded.scenario
    return parse_gates(thresholds, compare_fail, baseline, known_tag_values(scenario),
                       loaded.thresholds)


def parse_gates(thresholds: Sequence[str], compare_fail: Sequence[str], baseline: Path | None,
                known: Mapping[str, Iterable[str]], first: Sequence[Threshold] = ()) -> Gates:
    """Parse ``--threshold`` and ``--compare-fail`` options; every problem at once."""
    problems: list[Problem] = []
    parsed = list(first)
    for text in thresholds:
        try:
            target, expression, offset = split_cli_threshold(text)
            parsed.append(parse_threshold(target, expression, REGISTRY, known))
        except ThresholdError as err:
            col = err.offset + (offset if err.part == "expression" else 0) + 1
            problems.append(Problem(f"<--threshold {text}>", 1, col, "", err.message))
    rules = []
    for text in compare_fail:
        try:
            rules.append(parse_compare_fail(text))
        except ThresholdError as err:
            problems.append(Problem(f"<--compare-fail {text}>", 1, err.offset + 1, "",
                                    err.message))
    if problems:
        raise ScenarioError(problems)
    return Gates(tuple(parsed), tuple(rules),
                 read_summary(baseline) if baseline is not None else None)


def known_in_summary(summary: Mapping[str, Any]) -> dict[str, list[str]]:
    """The strategies and backends a summary.json has values for (for ``check``)."""
    backends = {key.tag_value for s in summary["strategies"].values()
                for key in map(ValueKey.parse, s["values"])
                if key.tag_name == "backend" and key.tag_value}
    return {"strategy": sorted(summary["strategies"]), "backend": sorted(backends)}


def verdict_checks(verdict: Verdict) -> tuple[Check, ...]:
    """The thresholds and baseline gates of a verdict as the report's pass/fail lines."""
    checks = []
    if verdict.thresholds is not None:
        for result in verdict.thresholds.results:
            detail = observed_text(result) + (f"; {result.note}" if result.note else "")
            checks.append(Check(f"{result.threshold.text} ({result.strategy})", result.ok,
                                detail))
    if verdict.baseline is not None:
        for c in verdict.baseline.comparisons:
            if not c.skipped:
                checks.append(Check(f"{c.gate.text} vs baseline ({c.strategy})",
                                    not c.regressed, change_text(c)))
    return tuple(checks)


def write_ci_reports(verdict: Verdict, summary: Mapping[str, Any], junit: Path | None = None,
                     markdown: Path | None = None) -> None:
    """The JUnit XML and Markdown files a CI job asked for (``--junit``, ``--markdown``)."""
    if junit is not None:
        write_output(junit, junit_xml(verdict, summary["scenario"]))
    if markdown is not None:
        write_output(markdown, markdown_summary(verdict, summary))
