"""HAR import: the generated scenarios validate, replay the recording and show the saving."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from asyncsim.calibrate.errors import CalibrationError
from asyncsim.calibrate.har import read_har
from asyncsim.calibrate.har_scenario import import_har

HAR_DIR = Path(__file__).resolve().parents[2] / "src/asyncsim/examples/har"
CHROME = HAR_DIR / "dashboard-chrome.har"
FIREFOX = HAR_DIR / "news-firefox.har"
SRC = str(Path(__file__).resolve().parents[2] / "src")


def _asyncsim(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run([sys.executable, "-m", "asyncsim", *args], capture_output=True,
                          text=True, env=env, check=False)


def _ttac(tmp_path: Path, har: Path) -> dict[str, float]:
    scenario = tmp_path / "gen.yaml"
    scenario.write_text(import_har(har).yaml)
    done = _asyncsim("run", str(scenario), "--out", str(tmp_path / "out"), "-q")
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    return {name: strategy["replications"]["ttac.avg"][0]
            for name, strategy in summary["strategies"].items()}


@pytest.mark.parametrize("har", [CHROME, FIREFOX], ids=["chrome", "firefox"])
def test_the_generated_scenario_validates_and_is_the_committed_example(
        tmp_path: Path, har: Path) -> None:
    generated = import_har(har)
    scenario = tmp_path / "gen.yaml"
    scenario.write_text(generated.yaml)
    done = _asyncsim("validate", str(scenario))
    assert done.returncode == 0, done.stdout + done.stderr
    assert YAML(typ="safe").load(generated.yaml) == generated.tree
    assert har.with_suffix(".yaml").read_text() == generated.yaml


def test_the_chrome_waterfall_is_config_then_a_b_c() -> None:
    recording = read_har(CHROME)
    names = {r.index: r.name for r in recording.requests}
    after = {r.name: [names[p] for p in r.after] for r in recording.requests}
    assert after == {"dashboard": [], "app": ["dashboard"], "style": ["dashboard"],
                     "logo": ["dashboard"], "config": ["app"], "orders": ["config"],
                     "stock": ["config"], "reviews": ["config"]}
    assert "assumed an await chain" in import_har(CHROME).yaml


def test_chrome_as_recorded_matches_onload_and_all_parallel_saves(tmp_path: Path) -> None:
    """Latencies are the HAR's (constants), so one view is the whole story: as recorded
    (sequential: config, orders, stock, reviews one after another) 1.735 s against the
    HAR's onLoad 1.772 s (the modelled wait+receive leaves out 80 ms of connection
    setup); all parallel after config, 0.832 s: the longest of A, B, C instead of
    their sum."""
    recording = read_har(CHROME)
    assert recording.on_load is not None
    ttac = _ttac(tmp_path, CHROME)
    assert ttac["as-recorded"] == pytest.approx(recording.on_load, rel=0.10)
    assert ttac["as-recorded"] == pytest.approx(1.7354, rel=1e-6)
    assert ttac["all-parallel"] == pytest.approx(0.8317, rel=1e-6)
    assert ttac["cached"] < ttac["as-recorded"]


def test_firefox_as_recorded_matches_onload(tmp_path: Path) -> None:
    """Firefox records no initiator: timing alone orders the requests. The recording was
    already as parallel as its dependencies allow (feed and notifications together after
    session), so declared mode reproduces it and all-parallel saves nothing."""
    recording = read_har(FIREFOX)
    assert recording.on_load is not None and recording.browser == "Firefox"
    generated = import_har(FIREFOX)
    assert generated.as_recorded_mode == "declared"
    ttac = _ttac(tmp_path, FIREFOX)
    assert ttac["as-recorded"] == pytest.approx(recording.on_load, rel=0.10)
    assert ttac["all-parallel"] == pytest.approx(ttac["as-recorded"])


def test_a_repeated_endpoint_gets_its_samples(tmp_path: Path) -> None:
    tree = json.loads(CHROME.read_text())
    entries = tree["log"]["entries"]
    extra = json.loads(json.dumps(entries[-1]))
    extra["timings"]["wait"] = 200.0
    extra["startedDateTime"] = "2026-03-02T09:41:09.200Z"
    entries.append(extra)
    path = tmp_path / "twice.har"
    path.write_text(json.dumps(tree))
    generated = import_har(path)
    assert generated.tree["backends"]["reviews"]["latency"] == {
        "empirical": {"samples": ["465ms", "215.2ms"]}}
    by_origin = import_har(path, group="origin")
    assert sorted(by_origin.tree["backends"]) == ["api-shop-example", "shop-example"]


@pytest.mark.parametrize(("text", "message", "line", "column", "record"), [
    ("", "the file is empty", None, None, None),
    ('{"log": {"entries": [\n  {"startedDateTime": 1,}\n]}}', "malformed JSON", 2, 25, None),
    ('{"log": {"entries": []}}', "the HAR has no entries", None, None, None),
    ('{"entries": []}', "not a HAR file: the top level has no 'log'", None, None, None),
])
def test_bad_har_files(tmp_path: Path, text: str, message: str, line: int | None,
                       column: int | None, record: int | None) -> None:
    path = tmp_path / "bad.har"
    path.write_text(text)
    with pytest.raises(CalibrationError) as caught:
        read_har(path)
    err = caught.value
    assert err.message.startswith(message)
    assert (err.line, err.column, err.record, err.file) == (line, column, record, str(path))


def test_a_har_without_timings_names_the_entry(tmp_path: Path) -> None:
    tree = json.loads(FIREFOX.read_text())
    del tree["log"]["entries"][3]["timings"]
    path = tmp_path / "no-timings.har"
    path.write_text(json.dumps(tree))
    with pytest.raises(CalibrationError, match="no timings") as caught:
        read_har(path)
    assert caught.value.record == 3 and "record 3" in str(caught.value)
