"""ValueKey: the one reader and writer of ``name{tag}.stat``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asyncsim.lang.value_key import ValueKey

names = st.text(min_size=1).filter(lambda s: not set(s) & set("{}."))
tags = st.none() | st.text()
stats = st.none() | st.text(min_size=1).filter(lambda s: not set(s) & set("{}"))
keys = st.builds(ValueKey, names, tags, stats)


@given(keys)
def test_parse_reads_back_what_str_writes(key: ValueKey) -> None:
    assert ValueKey.parse(str(key)) == key


@given(st.text(alphabet="ab{}.:()9", max_size=12))
def test_str_writes_back_what_parse_reads(text: str) -> None:
    try:
        key = ValueKey.parse(text)
    except ValueError:
        return
    assert str(key) == text


@pytest.mark.parametrize(("text", "key"), [
    ("success_rate", ValueKey("success_rate")),
    ("latency.p(99)", ValueKey("latency", stat="p(99)")),
    ("latency.p(99.9)", ValueKey("latency", stat="p(99.9)")),
    ("backend_calls{backend:api}", ValueKey("backend_calls", "backend:api")),
    ("errors_by_kind{kind:error}", ValueKey("errors_by_kind", "kind:error")),
    ("boundary_reveal{boundary:hero}.p(99)", ValueKey("boundary_reveal", "boundary:hero", "p(99)")),
    ("queue_wait{backend:api.v2}", ValueKey("queue_wait", "backend:api.v2")),
    ("cache_size{layer:api:0:cache}", ValueKey("cache_size", "layer:api:0:cache")),
    ("rejected{backend:a}b}", ValueKey("rejected", "backend:a}b")),
])
def test_keys_as_summaries_hold_them(text: str, key: ValueKey) -> None:
    assert ValueKey.parse(text) == key
    assert str(key) == text


def test_tag_name_and_value() -> None:
    key = ValueKey.parse("cache_size{layer:api:0:cache}")
    assert (key.tag_name, key.tag_value) == ("layer", "api:0:cache")
    assert ValueKey("latency").tag_name is None
    assert ValueKey("x", "plain").tag_value is None


@pytest.mark.parametrize("text", ["", "{backend:api}", "x{backend:api", "x{a}b", "x.", ".p(99)",
                                  "x.p}"])
def test_malformed_keys_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="value key"):
        ValueKey.parse(text)


def test_a_key_cannot_be_built_that_would_not_read_back() -> None:
    with pytest.raises(ValueError):
        ValueKey("a.b")
    with pytest.raises(ValueError):
        ValueKey("latency", stat="p}")
