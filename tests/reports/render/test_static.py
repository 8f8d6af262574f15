"""--png: kaleido with a local Chromium, and clear messages when either is missing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from asyncsim.reports.render import static
from asyncsim.reports.render.chart_kit import Chart, base_figure


def test_without_kaleido_the_message_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "kaleido", None)
    problem = static.png_problem()
    assert problem is not None and "pip install 'asyncsim[static]'" in problem


def test_without_a_browser_the_message_says_how_to_get_one(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "kaleido", type(sys)("kaleido"))   # present
    monkeypatch.setattr(static, "find_browser", lambda: None)
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chrome"))
    problem = static.png_problem()
    assert problem is not None
    assert "needs Chrome or Chromium and none was found" in problem
    assert "no-such-chrome" in problem and "apt-get install chromium" in problem
    with pytest.raises(static.StaticExportUnavailable):
        static.export_png([], tmp_path)


def test_browser_path_to_nothing_finds_nothing(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    from tests.optional import need_module

    need_module("choreographer")  # comes with kaleido
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "missing"))
    assert static.find_browser() is None


def test_png_export_writes_one_image_per_chart(tmp_path: Path) -> None:
    from tests.optional import need_chromium, need_module

    need_module("kaleido")
    need_chromium()
    fig = base_figure("y (s)", "x (s)", height=300)
    fig.add_scatter(x=[0, 1, 2], y=[1, 3, 2])
    (path,) = static.export_png([Chart("demo", "Demo", fig)], tmp_path)
    assert path == tmp_path / "demo.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".png-")]


def _silently_failing_kaleido(monkeypatch: pytest.MonkeyPatch, retry_works: bool) -> list[str]:
    """kaleido as it fails under load: write_images renders the first chart only and
    raises nothing; write_image renders (``retry_works``) or is silent too."""
    import plotly.io as pio

    monkeypatch.setattr(static, "png_problem", lambda: None)
    retried: list[str] = []

    def write_images(figures: list[object], paths: list[Path], **_: object) -> None:
        paths[0].write_bytes(b"\x89PNG first")

    def write_image(figure: object, path: Path, **_: object) -> None:
        retried.append(path.name)
        if retry_works:
            path.write_bytes(b"\x89PNG again")

    monkeypatch.setattr(pio, "write_images", write_images)
    monkeypatch.setattr(pio, "write_image", write_image)
    return retried


def _charts() -> list[Chart]:
    return [Chart(name, name, base_figure("y", "x")) for name in ("a", "b", "c")]


def test_a_chart_kaleido_silently_failed_is_rendered_again(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    retried = _silently_failing_kaleido(monkeypatch, retry_works=True)
    paths = static.export_png(_charts(), tmp_path)
    assert retried == ["b.png", "c.png"]
    assert [p.read_bytes() for p in paths] == [b"\x89PNG first", b"\x89PNG again",
                                               b"\x89PNG again"]


def test_a_chart_that_never_renders_is_an_error_and_nothing_is_written(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _silently_failing_kaleido(monkeypatch, retry_works=False)
    with pytest.raises(OSError, match="rendered no image of chart b"):
        static.export_png(_charts(), tmp_path)
    assert list(tmp_path.iterdir()) == []
