"""User text for rich markup strings: control characters made visible, markup escaped.

Why: rich parses ``[...]`` in every string it prints; a strategy named ``[/]`` raised
MarkupError and one named ``[red]`` recoloured the line. Every terminal line that shows a
name, a path or a message built from user input passes it through :func:`shown`
(:class:`rich.text.Text` is not parsed for markup, so there :func:`printable` suffices)."""

from __future__ import annotations

from asyncsim.lang.text import printable


def shown(text: object) -> str:
    """``text`` ready to sit inside a rich markup string as literal characters."""
    from rich.markup import escape  # here, not at the top: ``asyncsim --help`` needs no rich

    return escape(printable(text))


__all__ = ["printable", "shown"]
