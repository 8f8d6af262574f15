"""Reading a summary.json: a file we did not write is refused with its path, not later."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asyncsim.reports.files.summary_json import SummaryFormatError, read_summary
from tests.reports.summaries import summary


def test_a_summary_with_a_malformed_value_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(summary({"a": {"latency{backend:api": [1.0]}})))
    with pytest.raises(SummaryFormatError, match=r"summary\.json: value key 'latency\{backend"):
        read_summary(path)


def test_a_summary_we_wrote_reads_back(tmp_path: Path) -> None:
    written = summary({"a": {"latency.p(99)": [0.1], "backend_calls{backend:api}": [3.0]}})
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(written))
    assert read_summary(path) == written
