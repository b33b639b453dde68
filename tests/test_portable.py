"""The portable shadows of our custom keywords (``flash_schema/schemagen/portable.py``).

Each shadow must reject nothing its keyword accepts: other tools run it, and a config Flash takes
must pass them (issue 10). Each pattern is checked against the keyword it shadows on generated
strings, in Python's ``re`` and in ECMA-262's unicode mode (``regress``, what check-jsonschema
runs); the differential test checks whole configs against the real parsers. And each shadow must
still catch what it is there for.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import regress
from hypothesis import example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator
from speed import examples

from flash_schema import keywords as kw
from flash_schema.dialects import DIALECTS, load_schema, validator
from flash_schema.keywords import identifiers, structured
from flash_schema.schemagen import portable

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schema"


@cache
def _ecma(pattern: str) -> Any:
    return regress.Regex(pattern, flags="u")


def matches(pattern: str, text: str) -> bool:
    """Whether ``pattern`` matches in both engines (and that they agree)."""
    python = re.search(pattern, text) is not None
    ecma = _ecma(pattern).find(text) is not None
    assert python == ecma, f"re and ECMA-262 disagree on {text!r}"
    return python


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def _exported(dialect: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"flash-{dialect}.schema.json").read_text("utf-8"))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_pattern_compiles_in_ecma_unicode_mode(dialect: str) -> None:
    """check-jsonschema compiles each `pattern` with regress in unicode mode; one that fails would
    fail every file."""
    patterns = {n["pattern"] for n in _nodes(_exported(dialect)) if isinstance(n.get("pattern"), str)}
    assert patterns
    for pattern in patterns:
        _ecma(pattern)
        re.compile(pattern)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_our_validator_skips_the_shadows(dialect: str) -> None:
    """The shadows are there (for other tools), and ours never evaluates them: a config only a shadow
    rejects gets no diagnostic from ours (the shadowing keyword is what speaks)."""
    shadows = [n for n in _nodes(load_schema(dialect)) if n.get(kw.PORTABLE)]
    assert shadows
    # A shadow alone, under our validator, finds nothing: an inf where the shadow says "at most the
    # largest float" (the keyword `x-flash-finite` is the one that reports it).
    schema = {"allOf": [{kw.PORTABLE: True, "maximum": 1}]}
    assert not list(validator(dialect).evolve(schema=schema).iter_errors(2))
    assert list(Draft7Validator(schema).iter_errors(2))


# -- environment ids --------------------------------------------------------------------------------------

_ID_PIECES = [
    "a", "B", "0", "env", "x.py", ".", "..", "...", "/", "//", "\\", ":", "@", "-", "_", ".git",
    "github:", "https://", "http://", "HTTPS://", "github.com", "GitHub.COM", "gitlab.com", "www.",
    "blob", "tree", "issues", "?", "#", ";", "%2e", "%2F", "[", "]", " ", "\t", "\n", "\x01", "\x1c",
    "\u00a0", "\ufeff", "\u2028", "\u00f6",
]  # fmt: skip
_ids = st.lists(st.sampled_from(_ID_PIECES), max_size=14).map("".join)
_part = st.sampled_from(["acme", "env", "a.b", "-x", "_y.", "...", "A1"])
_slugs = st.lists(_part, min_size=2, max_size=3).map("/".join)
_github = st.builds(
    lambda o, r, ref, path: f"github:{o}/{r}{ref}{path}",
    _part,
    _part,
    st.sampled_from(["", "@main", "@v1.2"]),
    st.sampled_from(["", ":", ":envs/x.py", ": a/b ", ":a\\b", ":a/../b", ":/abs", ":./x"]),
)
_urls = st.builds(
    lambda scheme, o, r, rest, tail: f"{scheme}github.com/{o}/{r}{rest}{tail}",
    st.sampled_from(["https://", "http://", "HTTPS://", " https://", "\x01https://"]),
    _part,
    _part,
    st.sampled_from(["", "/", "//", "/blob/main/x.py", "/tree/dev/a/b", "/blob/main", "/issues", "/blob/m/../x"]),
    st.sampled_from(["", "?tab=1", "#top", ";p", "/;p", " "]),
)


@pytest.mark.parametrize("parts", [2, 3])
@settings(max_examples=examples(300))
@given(text=st.one_of(_ids, _slugs, _github, _urls))
@example(text="https://git\thub.com/acme/env")
@example(text="https://github.com/acme/env/;x")
@example(text="github:acme/env: envs/x.py ")
def test_environment_id_pattern_never_rejects_a_valid_id(parts: int, text: str) -> None:
    pattern = portable.environment_id_pattern(parts)
    if identifiers.is_environment_id(text, parts):
        assert matches(pattern, text), text


@pytest.mark.parametrize(
    ("parts", "text"),
    [
        (2, "github:acme/env:/abs.py"),
        (2, "github:acme/env:../x.py"),
        (3, "github:acme/env:a/../x.py"),
        (3, "github:acme/env:a\\..\\x.py"),
        (2, "https://github.com/acme"),
        (2, "https://github.com/acme/env/blob/main"),
        (2, "https://github.com/acme/env/issues"),
        (2, "https://github.com/acme/env/blob/main/../x.py"),
        (2, "https://github.com:443/acme/env"),
        (2, "https://www.github.com/acme/env"),
        (3, "acme/env"),
        (2, "acme/lab/env"),
        (3, "a/./c"),
        (2, "//[a/b"),
    ],
)
def test_environment_id_pattern_catches(parts: int, text: str) -> None:
    assert not identifiers.is_environment_id(text, parts)
    assert not matches(portable.environment_id_pattern(parts), text)


# -- project UUIDs ------------------------------------------------------------------------------------------


def _uuid_ok(text: str) -> bool:
    try:
        uuid.UUID(text.strip())
    except ValueError:
        return False
    return True


_hex = st.uuids().map(str)
_decorated = st.builds(
    lambda u, pre, case, hy, pad: pad + pre + (u.upper() if case else u).replace("-", "" if hy else "-") + pad,
    _hex,
    st.sampled_from(["", "urn:uuid:", "{", "uuid:", "urn:"]),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["", " ", "\t", "\u3000"]),
).map(lambda s: s + "}" if "{" in s else s)
_junk = st.text(alphabet="0123456789abcdefABCDEFdurin:{}-_+xX g\u0663", max_size=45)


@settings(max_examples=examples(300))
@given(text=st.one_of(_decorated, _junk, _hex.map(lambda u: u.replace("-", "_", 1))))
@example(text="uuurn:id:123e4567e89b12d3a456426614174000")
@example(text="0x123e4567e89b12d3a45642661417400")
@example(text="{{123e4567-e89b-12d3-a456-426614174000}}")
def test_uuid_pattern_never_rejects_a_valid_project(text: str) -> None:
    if _uuid_ok(text):
        assert matches(portable.uuid_pattern(), text), text


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "1" * 31,
        "1" * 33,
        "URN:UUID:123e4567-e89b-12d3-a456-426614174000",
        "my-project",
        "123e4567-e89b-12d3-a456-4266141740000",
        "g" * 32,
        "1_" + "1" * 31,
    ],
)
def test_uuid_pattern_catches(text: str) -> None:
    assert not _uuid_ok(text)
    assert not matches(portable.uuid_pattern(), text)


def test_uuid_pattern_does_not_backtrack_for_long() -> None:
    """The pattern reads each character one way, so a long near-miss is answered at once."""
    assert not matches(portable.uuid_pattern(), "d:" * 5000 + "1" * 31)


# -- pip entries, teachers, GPU names -----------------------------------------------------------------------


def _keyword_ok(fn: Callable[..., Any], value: Any, text: str) -> bool:
    return not list(fn(None, value, text, {}))


@settings(max_examples=examples(300))
@given(text=st.text(alphabet=" \t\u00a0\ufeff\x1c-:/@?abcgit+.=", max_size=30))
@example(text="\ufeff")
@example(text="git+https://github.com/a/b@v1")
def test_pip_pattern_never_rejects_a_valid_entry(text: str) -> None:
    if _keyword_ok(identifiers.pip_entry, True, text):
        assert matches(portable.pip_entry_pattern(), text), text


@pytest.mark.parametrize(
    "text", ["", "  ", "--no-deps", "  -e ./pkg", "git+https://user:tok@github.com/a/b", "https://x.org/p?token=1"]
)
def test_pip_pattern_catches(text: str) -> None:
    assert not _keyword_ok(identifiers.pip_entry, True, text)
    assert not matches(portable.pip_entry_pattern(), text)


def _teacher_value(dialect: str) -> dict[str, Any]:
    (value,) = [n[kw.TEACHER] for n in _nodes(load_schema(dialect)) if isinstance(n.get(kw.TEACHER), dict)]
    return value  # type: ignore[no-any-return]


_TEACHER_DIALECTS = [d for d in DIALECTS if any(kw.TEACHER in n for n in _nodes(load_schema(d)))]


@pytest.mark.parametrize("dialect", _TEACHER_DIALECTS)
@settings(max_examples=examples(300))
@given(data=st.data())
def test_teacher_pattern_never_rejects_a_valid_teacher(dialect: str, data: st.DataObject) -> None:
    value = _teacher_value(dialect)
    pattern = portable.teacher_pattern(value["aliases"], value.get("model_ids", []))
    sep = st.text(alphabet=" _-\t\u3000", min_size=1, max_size=3)
    alias = data.draw(st.sampled_from([*value["aliases"], *value.get("model_ids", []), "gpt-4", "glm5.2", ""]))
    tokens = alias.split("-")
    text = data.draw(sep) if data.draw(st.booleans()) else ""
    text += data.draw(sep).join(t.upper() if data.draw(st.booleans()) else t for t in tokens)
    text = text.replace("k", "\u212a") if data.draw(st.booleans()) else text
    if _keyword_ok(identifiers.teacher, value, text):
        assert matches(pattern, text), text
    if _keyword_ok(identifiers.teacher, value, alias):
        assert matches(pattern, alias), alias


@pytest.mark.parametrize("dialect", _TEACHER_DIALECTS)
def test_teacher_pattern_catches(dialect: str) -> None:
    value = _teacher_value(dialect)
    pattern = portable.teacher_pattern(value["aliases"], value.get("model_ids", []))
    for text in ("gpt-4", "glm5.2", "accounts/fireworks/models/glm-5p1", "kimi"):
        assert not _keyword_ok(identifiers.teacher, value, text)
        assert not matches(pattern, text), text


def _gpu_values() -> list[Any]:
    out = []
    for dialect in DIALECTS:
        for node in _nodes(load_schema(dialect)):
            if isinstance(node.get(kw.GPU_CLASS), dict):
                out.append(pytest.param(node[kw.GPU_CLASS], id=dialect))
    return out


@pytest.mark.parametrize("value", _gpu_values())
@settings(max_examples=examples(300))
@given(data=st.data())
def test_gpu_pattern_never_rejects_a_valid_name(value: dict[str, Any], data: st.DataObject) -> None:
    pattern = portable.gpu_pattern(value["aliases"], value["classes"])
    alias = data.draw(st.sampled_from([*value["aliases"], "TPU v5", "", "h100 "]))
    pad = data.draw(st.sampled_from(["", " ", "\t", "\u2003"]))
    text = pad + (alias.upper() if data.draw(st.booleans()) else alias) + pad
    if _keyword_ok(identifiers.gpu_class, value, text):
        assert matches(pattern, text), text
    else:
        assert not matches(pattern, text), text


# -- structured outputs ---------------------------------------------------------------------------------------

_leaf = st.one_of(
    st.booleans(),
    st.integers(-2, 2),
    st.sampled_from(["", " ", "x", "json", "JSON_OBJECT", "none", "{}", '{"type": "object"}', "[1]", "{bad"]),
)
_keys = st.sampled_from([*structured.CONSTRAINTS, *structured.ALIASES, *structured.OPTIONS, *structured.REMOVED, "foo"])
_tables = st.dictionaries(
    _keys, st.one_of(_leaf, st.lists(_leaf, max_size=2), st.dictionaries(_keys, _leaf)), max_size=3
)


@settings(max_examples=examples(300))
@given(value=st.one_of(_leaf, _tables))
def test_structured_outputs_shape_never_rejects_a_valid_value(value: Any) -> None:
    shape = Draft7Validator(portable.structured_outputs_shape())
    for strict in (False, True):
        spec = {"strict_options": strict}
        if _keyword_ok(structured.structured_outputs, spec, value):
            assert shape.is_valid(value), value


@pytest.mark.parametrize(
    "value",
    [
        True,
        "[1]",
        "not json",
        {"grammar": "x"},
        {"json": {}, "json_schema": {}},
        {"regex": " "},
        {"choice": []},
        {"choice": [""]},
        {"json_object": False},
        {"disable_any_whitespace": True},
        {"regex": "a", "foo": 1},
        {"regex": "a", "choice": ["x"]},
        {"regex": "a", "disable_any_whitespace": "yes"},
        {"json": 3},
    ],
)
def test_structured_outputs_shape_catches(value: Any) -> None:
    assert not _keyword_ok(structured.structured_outputs, {"strict_options": False}, value)
    assert not Draft7Validator(portable.structured_outputs_shape()).is_valid(value)


# -- numbers ---------------------------------------------------------------------------------------------------


@settings(max_examples=examples(300))
@given(
    st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(min_value=-(2**1100), max_value=2**1100))
)
@example(2**53 + 1)
@example(2**54 + 2)
@example(10**400)
def test_float_exact_shadow_is_the_float_round_trip_or_looser(value: float) -> None:
    """Beyond 2**53 only even integers survive ``float()``; past the largest float none do."""
    schema = Draft7Validator({"allOf": portable.float_exact()})
    try:
        exact = float(value) == value
    except OverflowError:
        exact = False
    if exact:
        assert schema.is_valid(value), value
    if isinstance(value, int) and (abs(value) == 2**53 + 1 or abs(value) > 2**1024):
        assert not schema.is_valid(value)
