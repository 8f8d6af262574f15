"""Static images of the report's charts (``--png``), through kaleido and a local Chromium.

Optional twice over: kaleido is the ``static`` extra, and kaleido drives a Chrome or
Chromium that must already be installed (we never let it download one). Both are checked
before a run starts, so a missing piece costs a message, not a simulation.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from asyncsim.reports.render.chart_kit import Chart, figure_json

PNG_WIDTH_PX = 1000
PNG_SCALE = 2


class StaticExportUnavailable(RuntimeError):
    """kaleido or a browser for it is missing."""


def find_browser() -> str | None:
    """The Chrome/Chromium kaleido would use (``BROWSER_PATH`` first), if it exists."""
    try:
        from choreographer.browsers.chromium import Chromium
    except ImportError:
        return None
    path = Chromium.find_browser(skip_local=False)
    return str(path) if path and Path(path).is_file() and os.access(path, os.X_OK) else None


def png_problem() -> str | None:
    """Why PNG export cannot work here, or None."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return ("--png needs kaleido, which is not installed: pip install 'asyncsim[static]'")
    if find_browser() is None:
        where = os.environ.get("BROWSER_PATH")
        hint = f" (BROWSER_PATH={where!r} is not an executable)" if where else ""
        return ("--png needs Chrome or Chromium and none was found" + hint + ": install one "
                "(Debian/Ubuntu: apt-get install chromium) or set BROWSER_PATH to its "
                "executable; the HTML report is written either way")
    return None


def export_png(charts: Sequence[Chart], folder: Path) -> list[Path]:
    """One ``<chart id>.png`` per chart in ``folder``; all or none are written."""
    problem = png_problem()
    if problem:
        raise StaticExportUnavailable(problem)
    import plotly.io as pio

    folder.mkdir(parents=True, exist_ok=True)
    targets = [folder / f"{chart.id}.png" for chart in charts]
    with tempfile.TemporaryDirectory(prefix=".png-", dir=folder) as tmp:
        staged = [Path(tmp) / t.name for t in targets]
        pio.write_images([figure_json(c.figure) for c in charts], staged, format="png",
                         validate=False,
                         width=PNG_WIDTH_PX, scale=PNG_SCALE,
                         height=[c.figure.layout.height or 360 for c in charts])
        # kaleido returns its render errors instead of raising them, and plotly drops them:
        # a chart that failed (a busy machine's browser tab timing out) is simply missing.
        # One more try each; then a clear error, never a half set.
        for chart, path in zip(charts, staged, strict=True):
            if not path.is_file():
                pio.write_image(figure_json(chart.figure), path, format="png", validate=False,
                                width=PNG_WIDTH_PX, scale=PNG_SCALE,
                                height=chart.figure.layout.height or 360)
            if not path.is_file():
                raise OSError(errno.EIO, f"the browser rendered no image of chart {chart.id}")
        for source, target in zip(staged, targets, strict=True):
            shutil.move(source, target)
    return targets
