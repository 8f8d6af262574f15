"""Report charts beyond the core set, one module per panel (reports/render is full)."""

from __future__ import annotations

import re


def element_id(*parts: str | int) -> str:
    """An HTML element id from names a scenario chose (strategies, fault labels): only
    letters, digits, ``-`` and ``_``, so a name like ``<img src=x>`` or ``api#1`` can
    neither inject markup nor break a CSS selector or a PNG file name."""
    return "-".join(re.sub(r"[^A-Za-z0-9_-]+", "-", str(p)).strip("-") or "x" for p in parts)
