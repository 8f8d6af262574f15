"""JUnit XML and Markdown: parsed with real parsers and checked against the common shape."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from asyncsim.lang.thresholds import parse_threshold
from asyncsim.reports.gates.baseline import parse_compare_fail
from asyncsim.reports.gates.junit import junit_xml
from asyncsim.reports.gates.markdown import markdown_summary
from asyncsim.reports.gates.thresholds import Stop
from asyncsim.reports.gates.verdict import Gates, judge
from asyncsim.reports.metrics.catalog import REGISTRY

# The common JUnit shape (the Jenkins/Ant junit-10.xsd that GitLab, Jenkins and GitHub
# reporters read): per element, required attributes, optional ones, allowed children.
JUNIT_SHAPE: dict[str, tuple[set[str], set[str], set[str]]] = {
    "testsuites": (set(), {"name", "time", "tests", "failures", "disabled", "errors",
                           "skipped"}, {"testsuite"}),
    "testsuite": ({"name", "tests"}, {"failures", "errors", "skipped", "disabled", "time",
                                      "timestamp", "hostname", "id", "package", "file"},
                  {"properties", "testcase", "system-out", "system-err"}),
    "testcase": ({"name"}, {"classname", "time", "assertions", "status", "file", "line"},
                 {"skipped", "error", "failure", "system-out", "system-err"}),
    "failure": (set(), {"message", "type"}, set()),
    "skipped": (set(), {"message"}, set()),
}
COUNTED = ("tests", "failures", "errors", "skipped")


def check_shape(element: ET.Element) -> None:
    required, optional, children = JUNIT_SHAPE[element.tag]
    assert required <= set(element.attrib), (element.tag, element.attrib)
    assert set(element.attrib) <= required | optional, (element.tag, element.attrib)
    for child in element:
        assert child.tag in children, (element.tag, child.tag)
        check_shape(child)
    for name in COUNTED:
        if name in element.attrib:
            assert int(element.attrib[name]) >= 0


def counts(cases: list[ET.Element]) -> dict[str, str]:
    return {"tests": str(len(cases)),
            "failures": str(sum(c.find("failure") is not None for c in cases)),
            "errors": "0",
            "skipped": str(sum(c.find("skipped") is not None for c in cases))}


def entry(mean: float) -> dict[str, float]:
    return {"mean": mean, "ci95_low": mean, "ci95_high": mean}


def summary(seed: int, p99: list[float], errors: float) -> dict[str, Any]:
    strategies = {}
    for name, scale in (("fast", 1.0), ("slow|pipe", 3.0)):
        reps = [v * scale for v in p99]
        strategies[name] = {
            "values": {"latency.p(99)": entry(sum(reps) / len(reps)),
                       "error_rate": entry(errors * scale)},
            "replications": {"latency.p(99)": reps, "error_rate": [errors * scale] * 3}}
    return {"scenario": {"name": "demo", "seed": seed, "duration_s": 60.0, "warmup_s": 0.0,
                         "replications": 3}, "strategies": strategies}


BASELINE = summary(7, [0.100, 0.110, 0.090], 0.001)
CURRENT = summary(7, [0.130, 0.140, 0.125], 0.001)   # p(99) up about 32%, paired


def verdict() -> Any:
    gates = Gates(thresholds=(parse_threshold("latency", "p(99) < 200ms", REGISTRY),
                              parse_threshold("error_rate", "rate < 1%", REGISTRY)),
                  compare_fail=(parse_compare_fail("p99:5%"),
                                parse_compare_fail("latency.p(95):5%")),
                  baseline=BASELINE)
    return judge(gates, CURRENT, [Stop("slow|pipe", 2, 30.0, "another: threshold")])


def test_junit_is_valid_xml_of_the_common_shape_with_consistent_counts() -> None:
    root = ET.fromstring(junit_xml(verdict(), CURRENT["scenario"]))
    check_shape(root)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["asyncsim.demo.thresholds",
                                              "asyncsim.demo.baseline"]
    every = []
    for suite in suites:
        cases = suite.findall("testcase")
        assert {k: suite.get(k) for k in COUNTED} == counts(cases)
        every += cases
    assert {k: root.get(k) for k in COUNTED} == counts(every)
    # 2 thresholds x 2 strategies + 2 rules x 2 strategies
    assert root.get("tests") == "8"


def test_junit_failures_carry_observed_and_allowed_values() -> None:
    root = ET.fromstring(junit_xml(verdict(), CURRENT["scenario"]))
    by_name = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    slow = by_name[("asyncsim.demo.thresholds.slow|pipe", "latency: p(99) < 200ms")]
    failure = slow.find("failure")
    assert failure is not None and failure.get("type") == "threshold"
    assert failure.get("message") == "p(99)=395 ms, allowed: < 200ms"
    assert "observed: 395 ms" in (failure.text or "")
    assert "allowed: < 200ms" in (failure.text or "")
    assert by_name[("asyncsim.demo.thresholds.fast", "latency: p(99) < 200ms")].find(
        "failure") is None
    regression = by_name[("asyncsim.demo.baseline.fast", "p99:5%")].find("failure")
    assert regression is not None and regression.get("type") == "regression"
    assert "latency.p(99) 100 ms → 132 ms (+31.7%), allowed: +5%" in (
        regression.get("message") or "")
    skipped = by_name[("asyncsim.demo.baseline.fast", "latency.p(95):5%")].find("skipped")
    assert skipped is not None and "no value for latency.p(95)" in (skipped.get("message") or "")


def test_junit_is_deterministic() -> None:
    assert junit_xml(verdict(), CURRENT["scenario"]) == junit_xml(verdict(),
                                                                 CURRENT["scenario"])
    assert "timestamp" not in junit_xml(verdict(), CURRENT["scenario"])


def test_markdown_has_a_headline_and_one_row_per_gate() -> None:
    text = markdown_summary(verdict(), CURRENT)
    lines = text.splitlines()
    assert lines[0] == "### asyncsim · demo: ❌ 3 of 6 gates failed"
    rows = [line for line in lines if line.startswith("| ✅") or line.startswith("| ❌")
            or line.startswith("| ➖")]
    assert len(rows) == 8
    assert ("| ❌ | `latency: p(99) < 200ms` | slow\\|pipe | 395 ms | `< 200ms` |"
            in lines)
    assert "<details><summary>All metrics: 3 replication(s), mean ±95% CI</summary>" in lines
    # every table row has as many cells as its header (pipes in names are escaped)
    for block in text.split("\n\n"):
        table = [line for line in block.splitlines() if line.startswith("|")]
        if table:
            widths = {len(line.replace("\\|", "").split("|")) for line in table}
            assert len(widths) == 1, table
