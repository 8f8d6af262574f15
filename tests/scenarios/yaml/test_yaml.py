"""YAML loading and error reporting: every problem is located at the exact line and column.

Positions are 1-based, as printed to the user.  Each test pins the line, the column and the
part of the message that tells the user what to fix.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor

from asyncsim.lang.suggest import did_you_mean
from asyncsim.scenarios.problems import Problem, ScenarioError
from asyncsim.scenarios.yaml import reading
from asyncsim.scenarios.yaml.messages import problems_from_validation_error
from asyncsim.scenarios.yaml.overrides import apply_override
from asyncsim.scenarios.yaml.plain import to_plain
from asyncsim.scenarios.yaml.positions import position_of
from asyncsim.scenarios.yaml.reading import (
    MAX_ALIASES,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    load_yaml_file,
    load_yaml_text,
)

# --------------------------------------------------------------------------- toy schema


class Cache(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ttl: str
    max_items: int = Field(default=100, gt=0, alias="max-items")


class Backend(BaseModel):
    model_config = ConfigDict(extra="forbid")
    workers: int = Field(gt=0)
    protocol: Literal["http", "grpc"] = "http"


class Swr(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["swr"]
    cache: Cache


class Aside(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["aside"]
    cache: Cache


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    backends: dict[str, Backend]
    strategies: list[Annotated[Swr | Aside, Field(discriminator="kind")]] = []

    @field_validator("name")
    @classmethod
    def _lower_case(cls, value: str) -> str:
        if value != value.lower():
            raise ValueError("name must be lower-case")
        return value


def problems_for(text: str, *overrides: str, source: str = "s.yaml") -> list[str]:
    """Load, override and validate like the CLI does; return the printed problems."""
    tree = load_yaml_text(text, source)
    for assignment in overrides:
        apply_override(tree, assignment)
    try:
        Scenario.model_validate(to_plain(tree))
    except ValidationError as err:
        return [str(p) for p in problems_from_validation_error(err, tree, source, Scenario)]
    return []


def only_problem(exc: pytest.ExceptionInfo[ScenarioError]) -> Problem:
    assert len(exc.value.problems) == 1, str(exc.value)
    return exc.value.problems[0]


VALID = """\
name: demo
backends:
  api:
    workers: 4
strategies:
  - kind: swr
    cache:
      ttl: 5m
"""


# --------------------------------------------------------------------------- Problem / errors


def test_problem_str_with_and_without_path() -> None:
    assert str(Problem("a.yaml", 3, 7, "load.rate", "bad")) == "a.yaml:3:7: load.rate: bad"
    assert str(Problem("a.yaml", 1, 1, "", "bad")) == "a.yaml:1:1: bad"


def test_scenario_error_joins_problems_one_per_line() -> None:
    err = ScenarioError([Problem("a", 1, 1, "", "x"), Problem("a", 2, 3, "p", "y")])
    assert str(err) == "a:1:1: x\na:2:3: p: y"


def test_did_you_mean() -> None:
    assert did_you_mean("ttll", ["ttl", "max-items"]) == "ttl"
    assert did_you_mean("zzz", ["ttl", "max-items"]) is None


# --------------------------------------------------------------------------- malformed YAML


def test_valid_scenario_loads_as_round_trip_mapping() -> None:
    tree = load_yaml_text(VALID, "s.yaml")
    assert isinstance(tree, CommentedMap)
    assert problems_for(VALID) == []
    plain = to_plain(tree)
    assert type(plain) is dict and type(plain["backends"]["api"]["workers"]) is int
    assert type(plain["strategies"]) is list


def test_malformed_yaml_is_one_problem_at_the_mark() -> None:
    with pytest.raises(ScenarioError) as exc:
        load_yaml_text("name: demo\nbackends: [1, 2\nstrategies: 3\n", "s.yaml")
    problem = only_problem(exc)
    assert (problem.source, problem.line, problem.col) == ("s.yaml", 3, 11)
    assert "expected ',' or ']', but got ':'" in problem.message
    assert "flow sequence started at line 2, col 11" in problem.message
    assert "Traceback" not in str(exc.value)


def test_tab_indentation() -> None:
    with pytest.raises(ScenarioError) as exc:
        load_yaml_text("name: demo\nbackends:\n\tapi: 1\n", "s.yaml")
    problem = only_problem(exc)
    assert (problem.line, problem.col) == (3, 1)
    assert "found character '\\t' that cannot start any token" in problem.message
    assert "indent with spaces" in problem.message


def test_duplicate_key_points_at_the_second_occurrence() -> None:
    with pytest.raises(ScenarioError) as exc:
        load_yaml_text("name: a\nbackends: {}\nname: b\n", "s.yaml")
    problem = only_problem(exc)
    assert (problem.line, problem.col) == (3, 1)
    assert 'duplicate key "name"' in problem.message


def test_python_object_tag_is_rejected_not_executed() -> None:
    text = "name: demo\nrun: !!python/object/apply:os.system ['echo pwned']\nx: !foo bar\n"
    with pytest.raises(ScenarioError) as exc:
        load_yaml_text(text, "s.yaml")
    assert [str(p) for p in exc.value.problems] == [
        "s.yaml:2:6: tag '!!python/object/apply:os.system' is not allowed"
        " (only plain YAML data is accepted)",
        "s.yaml:3:4: tag '!foo' is not allowed (only plain YAML data is accepted)",
    ]


def test_forbidden_tag_stops_before_anything_is_constructed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_construct(*args: object, **kwargs: object) -> None:
        raise AssertionError("a document with a forbidden tag was constructed")

    monkeypatch.setattr(RoundTripConstructor, "construct_document", no_construct)
    with pytest.raises(ScenarioError) as exc:
        load_yaml_text("a: 1\nb: !!python/name:os.system\n", "s.yaml")
    problem = only_problem(exc)
    assert (problem.line, problem.col) == (2, 4)
    assert "'!!python/name:os.system' is not allowed" in problem.message


def test_standard_tags_are_allowed() -> None:
    tree = load_yaml_text("a: !!str 3\nb: !!int '4'\n", "s.yaml")
    assert to_plain(tree) == {"a": "3", "b": 4}


@pytest.mark.parametrize(
    ("text", "kind", "line", "col"),
    [
        ("- a\n- b\n", "a list", 1, 1),
        ("\n  just text\n", "a string", 2, 3),
        ("", "an empty document", 1, 1),
        ("# only a comment\n", "an empty document", 1, 1),
    ],
)
def test_top_level_must_be_a_mapping(text: str, kind: str, line: int, col: int) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_yaml_text(text, "s.yaml")
    problem = only_problem(exc)
    assert (problem.line, problem.col) == (line, col)
    assert problem.message == f"the scenario must be a mapping of fields (got {kind})"


# --------------------------------------------------------------------------- limits


def test_billion_laughs_is_stopped_before_expansion() -> None:
    names = "abcdefghi"
    lines = ["a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    for prev, name in pairwise(names):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(ScenarioError) as exc:
        load_yaml_text("\n".join(lines) + "\n", "bomb.yaml")
    problem = only_problem(exc)
    # a..e expand to 74,738 nodes; in 'f: &f [*e, *e, ...' the second *e passes 200,000.
    assert (problem.line, problem.col) == (6, 12)
    assert problem.message == f"YAML aliases expand to more than {MAX_NODES} nodes (limit)"


def test_too_many_aliases() -> None:
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"
    with pytest.raises(ScenarioError) as exc:
        load_yaml_text(text, "s.yaml")
    problem = only_problem(exc)
    assert (problem.line, problem.col) == (2, 5 + 4 * MAX_ALIASES)
    assert problem.message == f"more than {MAX_ALIASES} YAML aliases (limit)"


def test_recursive_alias_is_rejected() -> None:
    with pytest.raises(ScenarioError) as exc:
        load_yaml_text("a: &x [1, *x]\n", "s.yaml")
    problem = only_problem(exc)
    assert (problem.line, problem.col) == (1, 11)
    assert "recursive aliases are not allowed" in problem.message


def test_deep_nesting() -> None:
    text = "x: " + "[" * 100 + "]" * 100 + "\n"
    with pytest.raises(ScenarioError) as exc:
        load_yaml_text(text, "s.yaml")
    problem = only_problem(exc)
    # The top mapping is level 1, so the 64th '[' (column 3 + 64) is level 65.
    assert (problem.line, problem.col) == (1, 3 + MAX_DEPTH)
    assert problem.message == f"nesting is deeper than {MAX_DEPTH} levels (limit)"


def test_to_plain_limits_expansion_of_shared_containers() -> None:
    level: Any = CommentedSeq(["x"] * 10)
    for _ in range(6):  # 10**6 leaves, built from 7 small shared lists
        level = CommentedSeq([level] * 10)
    with pytest.raises(ScenarioError) as exc:
        to_plain(CommentedMap(root=level))
    assert only_problem(exc).message == (
        f"YAML aliases expand to more than {MAX_NODES} nodes (limit)"
    )


def test_too_large_file_is_rejected_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.yaml"
    with open(path, "wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: no disk space used

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(reading, "open", no_open, raising=False)
    with pytest.raises(ScenarioError) as exc:
        load_yaml_file(path)
    problem = only_problem(exc)
    assert (problem.source, problem.line, problem.col) == (str(path), 1, 1)
    assert problem.message == f"file is {MAX_BYTES + 1} bytes, larger than the 5242880-byte limit"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ScenarioError) as exc:
        load_yaml_file(path)
    assert str(exc.value) == f"{path}:1:1: file not found"


def test_invalid_utf8_points_at_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"name: demo\ncity: caf\xe9\n")
    with pytest.raises(ScenarioError) as exc:
        load_yaml_file(path)
    problem = only_problem(exc)
    assert (problem.line, problem.col) == (2, 10)
    assert "invalid UTF-8 byte 0xe9" in problem.message


def test_load_file_reports_its_path(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: demo\nbackends:\n  api: [1\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_yaml_file(path)
    assert only_problem(exc).source == str(path)
    path.write_text(VALID, encoding="utf-8")
    assert to_plain(load_yaml_file(path))["name"] == "demo"


# --------------------------------------------------------------------------- validation errors

BROKEN = """\
name: Demo
backends:
  api:
    workers: -2
    protocl: http
  db:
    protocol: htp
strategies:
  - kind: swr
    cache:
      ttll: 5m
  - kind: swrr
    cache: {ttl: 1m}
"""


def test_all_validation_problems_at_once_sorted_by_position() -> None:
    assert problems_for(BROKEN) == [
        "s.yaml:1:7: name: name must be lower-case",
        "s.yaml:4:14: backends.api.workers: Input should be greater than 0 (got -2)",
        "s.yaml:5:5: backends.api.protocl: unknown field 'protocl'"
        " (did you mean 'protocol'? allowed: workers, protocol)",
        "s.yaml:7:5: backends.db.workers: missing required field 'workers'",
        "s.yaml:7:15: backends.db.protocol: 'htp' is not allowed"
        " (did you mean 'http'? allowed: 'http', 'grpc')",
        "s.yaml:11:7: strategies.0.cache.ttl: missing required field 'ttl'",
        "s.yaml:11:7: strategies.0.cache.ttll: unknown field 'ttll'"
        " (did you mean 'ttl'? allowed: ttl, max-items)",
        "s.yaml:12:11: strategies.1.kind: 'swrr' is not allowed"
        " (did you mean 'swr'? allowed: 'swr', 'aside')",
    ]


def test_custom_value_error_prefix_is_stripped() -> None:
    problems = problems_for(VALID.replace("name: demo", "name: DEMO"))
    assert problems == ["s.yaml:1:7: name: name must be lower-case"]


def test_missing_field_points_at_parent_mapping() -> None:
    problems = problems_for("name: demo\nbackends:\n  api:\n    protocol: http\n")
    assert problems == ["s.yaml:4:5: backends.api.workers: missing required field 'workers'"]
    top = problems_for("backends: {}\n")
    assert top == ["s.yaml:1:1: name: missing required field 'name'"]


def test_unknown_field_uses_alias_in_allowed_list() -> None:
    text = VALID.replace("ttl: 5m", "ttl: 5m\n      max_items: 3")
    assert problems_for(text) == [
        "s.yaml:9:7: strategies.0.cache.max_items: unknown field 'max_items'"
        " (did you mean 'max-items'? allowed: ttl, max-items)"
    ]


def test_unknown_field_without_model_has_no_hint() -> None:
    tree = load_yaml_text("name: demo\nbackends: {}\nbogus: 1\n", "s.yaml")
    with pytest.raises(ValidationError) as exc:
        Scenario.model_validate(to_plain(tree))
    problems = problems_from_validation_error(exc.value, tree, "s.yaml")
    assert [str(p) for p in problems] == ["s.yaml:3:1: bogus: unknown field 'bogus'"]


def test_list_index_path_and_type_error_with_input() -> None:
    text = VALID.replace("ttl: 5m", "ttl: 5m\n  - kind: aside\n    cache: [1, 2]")
    assert problems_for(text) == [
        "s.yaml:10:12: strategies.1.cache: expected a mapping, e.g. cache: {ttl: ..., "
        "max-items: ...}; got a list"
    ]


def test_alias_value_is_reported_at_the_key_that_uses_it() -> None:
    text = "name: demo\nbase: &w -1\nbackends:\n  api:\n    workers: *w\n"
    problems = problems_for(text)
    assert "s.yaml:5:5: backends.api.workers: Input should be greater than 0 (got -1)" in problems


def test_position_of_key_value_and_missing() -> None:
    tree = load_yaml_text(VALID, "s.yaml")
    assert position_of(tree, ["backends", "api", "workers"]) == ("s.yaml", 4, 14)
    assert position_of(tree, ["backends", "api", "workers"], at_key=True) == ("s.yaml", 4, 5)
    assert position_of(tree, ["strategies", 0, "swr", "cache", "ttl"]) == ("s.yaml", 8, 12)
    assert position_of(tree, ["backends", "api", "nope"]) == ("s.yaml", 4, 5)
    assert position_of(tree, []) == ("s.yaml", 1, 1)


# --------------------------------------------------------------------------- overrides


def test_override_creates_missing_keys() -> None:
    tree = load_yaml_text("name: demo\nworkload: {}\n", "s.yaml")
    apply_override(tree, "workload.keys.count=3")
    apply_override(tree, "workload.keys.zipf=0.9")
    assert to_plain(tree) == {
        "name": "demo",
        "workload": {"keys": {"count": 3, "zipf": 0.9}},
    }
    apply_override(tree, "backends={}")  # a named entry is added whole, not by its parts
    apply_override(tree, "backends.api={workers: 3}")
    assert to_plain(tree)["backends"] == {"api": {"workers": 3}}


def test_override_list_element_and_flow_values() -> None:
    tree = load_yaml_text(VALID, "s.yaml")
    apply_override(tree, "strategies.0.cache.ttl=10m")
    apply_override(tree, "strategies.1={kind: aside, cache: {ttl: 1s}}")
    apply_override(tree, "backends.api.tags=[1, 2]")
    plain = to_plain(tree)
    assert plain["strategies"] == [
        {"kind": "swr", "cache": {"ttl": "10m"}},
        {"kind": "aside", "cache": {"ttl": "1s"}},
    ]
    assert plain["backends"]["api"]["tags"] == [1, 2]


@pytest.mark.parametrize(
    ("assignment", "col", "path", "fragment"),
    [
        ("backends.api.workers", 1, "", "no '=' found"),
        ("=5", 1, "", "the path before '=' is empty"),
        ("backends..workers=5", 10, "backends..workers", "empty path segment"),
        ("name.first=x", 6, "name", "cannot set 'first' inside a string ('demo')"),
        ("strategies.x.kind=swr", 12, "strategies", "'x' is not a list index"),
        ("strategies.5.kind=swr", 12, "strategies", "list index 5 is out of range"),
        ("name=a: b", 6, "name", "quote it to set a string"),
    ],
)
def test_bad_assignment(assignment: str, col: int, path: str, fragment: str) -> None:
    tree = load_yaml_text(VALID, "s.yaml")
    with pytest.raises(ScenarioError) as exc:
        apply_override(tree, assignment)
    problem = only_problem(exc)
    assert (problem.source, problem.line, problem.col) == (f"<--set {assignment}>", 1, col)
    assert problem.path == path
    assert fragment in problem.message


def test_malformed_override_value_is_located_in_the_assignment() -> None:
    tree = load_yaml_text(VALID, "s.yaml")
    with pytest.raises(ScenarioError) as exc:
        apply_override(tree, "backends.api.tags=[1, 2")
    problem = only_problem(exc)
    assert (problem.source, problem.line) == ("<--set backends.api.tags=[1, 2>", 1)
    assert "flow sequence started at line 1, col 19" in problem.message


def test_validation_error_on_overridden_value_reports_the_override() -> None:
    problems = problems_for(
        VALID,
        "backends.api.workers=-1",
        "backends.db={workers: 2, protocol: htp}",
    )
    db = "backends.db={workers: 2, protocol: htp}"
    assert problems == [
        "<--set backends.api.workers=-1>:1:22: backends.api.workers:"
        " Input should be greater than 0 (got -1)",
        f"<--set {db}>:1:{db.index('htp') + 1}: backends.db.protocol: 'htp' is not allowed"
        " (did you mean 'http'? allowed: 'http', 'grpc')",
    ]


def test_unknown_key_created_by_override_points_at_the_key() -> None:
    assignment = "backends.api.wrokers=2"
    problems = problems_for(VALID, assignment)
    assert problems == [
        f"<--set {assignment}>:1:14: backends.api.wrokers: unknown field 'wrokers'"
        " (did you mean 'workers'? allowed: workers, protocol)"
    ]


def test_file_problems_come_before_override_problems() -> None:
    problems = problems_for(VALID.replace("workers: 4", "workers: 0"), "name=Demo")
    assert [p.split(":")[0] for p in problems] == ["s.yaml", "<--set name=Demo>"]


identifier = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(path=st.lists(identifier, min_size=1, max_size=6), value=st.integers())
def test_override_then_to_plain_holds_the_value(path: list[str], value: int) -> None:
    tree = load_yaml_text("other-key: {nested: 1}\nlist-key: [1, 2]\n", "base.yaml")
    apply_override(tree, f"{'.'.join(path)}={value}")
    node: Any = to_plain(tree)
    assert node["other-key"] == {"nested": 1} and node["list-key"] == [1, 2]
    for part in path:
        node = node[part]
    assert node == value and type(node) is int
