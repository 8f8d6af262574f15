"""Value keys: the flat names of the numbers in summary.json, ``name{tag}.stat``.

A metric computes one or more values, each under a key made of the metric's name, an
optional tag (``tagname:value``) and an optional statistic::

    success_rate                      name only
    latency.p(99)                     name and statistic
    backend_calls{backend:api}        name and tag
    boundary_reveal{boundary:hero}.p(99)
    cache_size{layer:api:0:cache}     a tag value may hold colons, dots, braces

Keys are written once (by the metrics) and read back by the terminal, the HTML and
Markdown renderings, comparisons and gates. One type does both, so a reader never
re-implements the grammar with ``split("{")``. The grammar is unambiguous because a
name holds none of ``{}.`` and a statistic no brace: the name ends at the first ``{`` or
``.``, a tag ends at the last ``}``.
"""

from __future__ import annotations

from dataclasses import dataclass

_NAME_STOPS = frozenset("{}.")
_STAT_STOPS = frozenset("{}")


@dataclass(frozen=True)
class ValueKey:
    """One value's key; ``str()`` formats it, :meth:`parse` reads it back exactly."""

    name: str
    tag: str | None = None
    """``tagname:value`` (``backend:api``), or None for an untagged value."""
    stat: str | None = None
    """A trend statistic (``avg``, ``p(99.9)``), or None for a metric with one value."""

    def __post_init__(self) -> None:
        if not self.name or _NAME_STOPS & set(self.name):
            raise ValueError(f"value key name {self.name!r}: must be non-empty, "
                             "without '{', '}' or '.'")
        if self.stat is not None and (not self.stat or _STAT_STOPS & set(self.stat)):
            raise ValueError(f"value key statistic {self.stat!r}: must be non-empty, "
                             "without '{' or '}'")

    def __str__(self) -> str:
        key = self.name if self.tag is None else f"{self.name}{{{self.tag}}}"
        return key if self.stat is None else f"{key}.{self.stat}"

    @classmethod
    def parse(cls, text: str) -> ValueKey:
        """``name{tag}.stat`` -> ValueKey; a ValueError names what is malformed."""
        end = next((i for i, char in enumerate(text) if char in "{."), len(text))
        name, rest = text[:end], text[end:]
        tag = None
        if rest.startswith("{"):
            close = rest.rfind("}")
            if close < 0:
                raise ValueError(f"value key {text!r}: '{{' without a closing '}}'")
            tag, rest = rest[1:close], rest[close + 1:]
        if rest and not rest.startswith("."):
            raise ValueError(f"value key {text!r}: expected '.statistic' after the tag, "
                             f"got {rest!r}")
        try:
            return cls(name, tag, rest[1:] if rest else None)
        except ValueError as err:
            raise ValueError(f"value key {text!r}: {err}") from None

    @property
    def tag_name(self) -> str | None:
        """``backend`` of ``backend_calls{backend:api}``."""
        return None if self.tag is None else self.tag.partition(":")[0]

    @property
    def tag_value(self) -> str | None:
        """``api`` of ``backend_calls{backend:api}`` (None when the tag has no ``:``)."""
        if self.tag is None or ":" not in self.tag:
            return None
        return self.tag.partition(":")[2]
