"""JUnit XML for CI test reports: one test case per threshold and per baseline comparison.

The shape is the common one that Jenkins, GitLab and GitHub reporters read (the Ant /
Jenkins junit schema): ``testsuites > testsuite > testcase > failure|skipped``, with
``tests``/``failures``/``errors``/``skipped`` counts on every suite. Nothing machine- or
time-dependent is written (no timestamp, hostname or wall time), so the file is as
deterministic as summary.json.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from asyncsim.reports.gates.verdict import Verdict
from asyncsim.reports.gates.wording import change_text, observed_text, show, significance_text


def _suite(parent: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(parent, "testsuite", name=name)


def _case(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=classname, name=name)


def _count(element: ET.Element, cases: list[ET.Element]) -> None:
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(c.find("failure") is not None for c in cases)))
    element.set("errors", "0")
    element.set("skipped", str(sum(c.find("skipped") is not None for c in cases)))


def junit_xml(verdict: Verdict, scenario: Mapping[str, Any]) -> str:
    root = ET.Element("testsuites", name=f"asyncsim {scenario.get('name', '')}".strip())
    prefix = f"asyncsim.{scenario.get('name', 'scenario')}"
    every: list[ET.Element] = []
    if verdict.thresholds is not None:
        suite = _suite(root, f"{prefix}.thresholds")
        cases = []
        for r in verdict.thresholds.results:
            t = r.threshold
            case = _case(suite, f"{prefix}.thresholds.{r.strategy}", t.text)
            if not r.ok:
                message = f"{observed_text(r)}, allowed: {t.expression.allowed}"
                failure = ET.SubElement(case, "failure", type="threshold",
                                        message=message + (f" ({r.note})" if r.note else ""))
                failure.text = (f"threshold: {t.text}\nstrategy: {r.strategy}\n"
                                f"observed: {show(r.observed, t.unit)}\n"
                                f"allowed: {t.expression.allowed}\n"
                                + (f"note: {r.note}\n" if r.note else ""))
            cases.append(case)
        _count(suite, cases)
        every += cases
    if verdict.baseline is not None:
        suite = _suite(root, f"{prefix}.baseline")
        cases = []
        for c in verdict.baseline.comparisons:
            case = _case(suite, f"{prefix}.baseline.{c.strategy}", c.gate.text)
            if c.skipped:
                ET.SubElement(case, "skipped", message=c.note)
            elif c.regressed:
                message = (f"{c.gate.key} {change_text(c)}, allowed: {c.gate.allowed} "
                           f"({significance_text(c)})")
                failure = ET.SubElement(case, "failure", type="regression", message=message)
                failure.text = (f"gate: {c.gate.text}\nstrategy: {c.strategy}\n"
                                f"baseline: {show(c.baseline, c.gate.target.definition.unit)}\n"
                                f"observed: {show(c.current, c.gate.target.definition.unit)}\n"
                                f"allowed: {c.gate.allowed}\n"
                                f"test: {significance_text(c)}\n")
            cases.append(case)
        _count(suite, cases)
        every += cases
    _count(root, every)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
