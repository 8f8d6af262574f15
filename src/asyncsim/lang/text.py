"""User text made safe to show on a terminal: control characters become visible escapes.

Why: names, paths and messages come from scenario files and the command line; an escape
sequence (``"api\\x1b[2J"``) written to a terminal clears it or worse, and a NUL cuts a
message short. Rich markup (``[/red]``) is the renderer's concern: it escapes on top of
this (reports/render/safe.py)."""

from __future__ import annotations

import unicodedata


def printable(text: object) -> str:
    """``text`` with every control or format character (ESC, NUL, DEL, bidi overrides,
    tabs and newlines included) written as a Python escape, e.g. ``\\x1b``."""
    value = str(text)
    if value.isprintable():
        return value
    return "".join(ch if ch.isprintable() or unicodedata.category(ch) == "Zs"
                   else ch.encode("unicode_escape").decode("ascii") for ch in value)
