"""``asyncsim check``: judge an existing summary.json, without running anything."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from asyncsim.commands.gates import known_in_summary, parse_gates
from asyncsim.reports.files.summary_json import read_summary
from asyncsim.reports.gates.thresholds import Stop
from asyncsim.reports.gates.verdict import Verdict, judge


def check_summary(current: Path, baseline: Path | None = None,
                  compare_fail: Sequence[str] = (), thresholds: Sequence[str] = ()
                  ) -> tuple[dict[str, Any], Verdict]:
    """Thresholds on a summary's values, rules against a baseline; early stops recorded in
    the summary count as they did in the run."""
    summary = read_summary(current)
    gates = parse_gates(thresholds, compare_fail, baseline, known_in_summary(summary))
    stopped = summary.get("thresholds", {}).get("stopped_early", [])
    stops = [Stop(s["strategy"], s["replication"], s["sim_time_s"], s["threshold"])
             for s in stopped]
    return summary, judge(gates, summary, stops)
