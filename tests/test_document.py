"""Tests for the positioned TOML document model (flash_schema.document)."""

from __future__ import annotations

import ast
import datetime as dt
import math
import tomllib
from pathlib import Path as FsPath
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from speed import examples

from flash_schema.document import Document, Node, Path, Span, SyntaxProblem

# -- helpers ------------------------------------------------------------------------------


def text_of(doc: Document, span: Span | None) -> str | None:
    return None if span is None else doc.text[span.start : span.end]


def value_text(doc: Document, *path: str | int) -> str | None:
    node = doc.node(path)
    assert node is not None, f"no node for {path}"
    return text_of(doc, node.value)


def key_text(doc: Document, *path: str | int) -> str | None:
    node = doc.node(path)
    assert node is not None, f"no node for {path}"
    return text_of(doc, node.key)


def header_text(doc: Document, *path: str | int) -> str | None:
    node = doc.node(path)
    assert node is not None, f"no node for {path}"
    return text_of(doc, node.header)


def only_error(doc: Document) -> SyntaxProblem:
    assert len(doc.syntax_errors) == 1, doc.syntax_errors
    return doc.syntax_errors[0]


def assert_spans_in_bounds(doc: Document) -> None:
    n = len(doc.text)
    for node in doc.nodes():
        for span in (node.key, node.value, node.header):
            if span is not None:
                assert 0 <= span.start <= span.end <= n, (node, n)
    for problem in doc.syntax_errors:
        assert 0 <= problem.span.start <= problem.span.end <= n
        if n:
            assert problem.span.end > problem.span.start


# -- spans of values ----------------------------------------------------------------------

SCALARS = [
    ('"hello"', "hello"),
    (r'"tab\there \"q\" \u00e9 \\"', 'tab\there "q" é \\'),
    ("'C:\\path\\no escapes'", "C:\\path\\no escapes"),
    ('""', ""),
    ("''", ""),
    ("42", 42),
    ("-17", -17),
    ("+99", 99),
    ("1_000", 1000),
    ("0x1F", 31),
    ("0o17", 15),
    ("0b1010", 10),
    ("3.14", 3.14),
    ("-0.5", -0.5),
    ("1e3", 1000.0),
    ("6.626e-34", 6.626e-34),
    ("1E+2", 100.0),
    ("+inf", math.inf),
    ("-inf", -math.inf),
    ("true", True),
    ("false", False),
    ("1979-05-27T07:32:00Z", dt.datetime(1979, 5, 27, 7, 32, tzinfo=dt.UTC)),
    ("1979-05-27 07:32:00Z", dt.datetime(1979, 5, 27, 7, 32, tzinfo=dt.UTC)),
    (
        "1979-05-27T07:32:00.999-07:00",
        dt.datetime(1979, 5, 27, 7, 32, 0, 999000, tzinfo=dt.timezone(dt.timedelta(hours=-7))),
    ),
    ("1979-05-27T07:32:00", dt.datetime(1979, 5, 27, 7, 32)),
    ("1979-05-27 07:32:00.5", dt.datetime(1979, 5, 27, 7, 32, 0, 500000)),
    ("1979-05-27", dt.date(1979, 5, 27)),
    ("07:32:00", dt.time(7, 32)),
    ("00:32:00.999999", dt.time(0, 32, 0, 999999)),
]


@pytest.mark.parametrize(("source", "expected"), SCALARS)
@pytest.mark.parametrize("suffix", ["", "\n", "  # trailing comment", "\nother = 1\n", " \t# c\r\nother = 1\r\n"])
def test_scalar_value_span(source: str, expected: object, suffix: str) -> None:
    doc = Document.from_text(f"[t]\nkey = {source}{suffix}")
    assert doc.syntax_errors == []
    assert doc.data["t"]["key"] == expected  # type: ignore[index]
    node = doc.node(("t", "key"))
    assert node is not None
    assert node.kind == "value"
    assert text_of(doc, node.key) == "key"
    assert text_of(doc, node.value) == source
    assert node.header is None


def test_nan_span() -> None:
    doc = Document.from_text("a = nan\nb = -nan # c\n")
    assert value_text(doc, "a") == "nan"
    assert value_text(doc, "b") == "-nan"


def test_multiline_basic_string_spans() -> None:
    src = 'a = """\nline one\n  \\"quoted\\" \\\n  joined"""\nb = """ends with quotes"""""\nc = 1\n'
    doc = Document.from_text(src)
    assert doc.syntax_errors == []
    assert value_text(doc, "a") == '"""\nline one\n  \\"quoted\\" \\\n  joined"""'
    assert value_text(doc, "b") == '"""ends with quotes"""""'
    assert doc.data["b"] == 'ends with quotes""'
    assert value_text(doc, "c") == "1"


def test_multiline_basic_string_with_four_quotes() -> None:
    doc = Document.from_text('s = """a""""\nt = 2\n')
    assert doc.data["s"] == 'a"'
    assert value_text(doc, "s") == '"""a""""'
    assert value_text(doc, "t") == "2"


def test_multiline_literal_string_spans() -> None:
    src = "re = '''\nI [dw]on't need \\d{2} apples'''\nq = ''''one quote''''\nz = 0\n"
    doc = Document.from_text(src)
    assert doc.syntax_errors == []
    assert value_text(doc, "re") == "'''\nI [dw]on't need \\d{2} apples'''"
    assert value_text(doc, "q") == "''''one quote''''"
    assert doc.data["q"] == "'one quote'"
    assert value_text(doc, "z") == "0"


def test_strings_hide_toml_syntax() -> None:
    src = 'a = "[not] = {a header} # nor comment"\nb = \'x = [1, \'\n[t]\nc = """\n[fake]\nd = 1\n"""\n'
    doc = Document.from_text(src)
    assert doc.syntax_errors == []
    assert [n.path for n in doc.nodes()] == [("a",), ("b",), ("t",), ("t", "c")]


def test_arrays_nested_multiline_with_comments() -> None:
    src = (
        "nums = [ 1, 2, 3 ]\n"
        "nested = [\n"
        "  [1, 2],  # first\n"
        "  # a comment line\n"
        "  ['a', \"b\"],\n"
        "  [ [ ] ],\n"
        "]\n"
        "mixed = [1979-05-27 07:32:00Z, { x = 1 }, 'y',]\n"
        "empty = []\n"
    )
    doc = Document.from_text(src)
    assert doc.syntax_errors == []
    nums = doc.node(("nums",))
    assert nums is not None
    assert nums.kind == "array"
    assert text_of(doc, nums.value) == "[ 1, 2, 3 ]"
    assert [value_text(doc, "nums", i) for i in range(3)] == ["1", "2", "3"]
    assert doc.node(("nums", 0)) == Node(("nums", 0), "value", None, Span(9, 10), None)
    assert value_text(doc, "nested").startswith("[\n  [1, 2],")  # type: ignore[union-attr]
    assert value_text(doc, "nested").endswith(",\n]")  # type: ignore[union-attr]
    assert value_text(doc, "nested", 0) == "[1, 2]"
    assert value_text(doc, "nested", 0, 1) == "2"
    assert value_text(doc, "nested", 1, 0) == "'a'"
    assert value_text(doc, "nested", 1, 1) == '"b"'
    assert value_text(doc, "nested", 2) == "[ [ ] ]"
    assert value_text(doc, "nested", 2, 0) == "[ ]"
    assert doc.node(("nested", 3)) is None
    assert value_text(doc, "mixed", 0) == "1979-05-27 07:32:00Z"
    assert value_text(doc, "mixed", 1) == "{ x = 1 }"
    assert doc.node(("mixed", 1)).kind == "inline-table"  # type: ignore[union-attr]
    assert value_text(doc, "mixed", 1, "x") == "1"
    assert key_text(doc, "mixed", 1, "x") == "x"
    assert value_text(doc, "mixed", 2) == "'y'"
    assert value_text(doc, "empty") == "[]"
    assert doc.children(("empty",)) == []


def test_inline_tables() -> None:
    src = 'point = { x = 1, y = -2.5, "z k" = "v", sub.deep = [1, {w = true}], e = {} }\n'
    doc = Document.from_text(src)
    assert doc.syntax_errors == []
    assert doc.node(("point",)).kind == "inline-table"  # type: ignore[union-attr]
    assert value_text(doc, "point") == src.strip().removeprefix("point = ")
    assert key_text(doc, "point", "x") == "x"
    assert value_text(doc, "point", "y") == "-2.5"
    assert key_text(doc, "point", "z k") == '"z k"'
    assert value_text(doc, "point", "z k") == '"v"'
    sub = doc.node(("point", "sub"))
    assert sub is not None
    assert sub.kind == "implicit"
    assert text_of(doc, sub.key) == "sub"
    assert sub.value is None
    assert key_text(doc, "point", "sub", "deep") == "deep"
    assert value_text(doc, "point", "sub", "deep") == "[1, {w = true}]"
    assert value_text(doc, "point", "sub", "deep", 1, "w") == "true"
    assert value_text(doc, "point", "e") == "{}"
    assert [n.path[-1] for n in doc.children(("point",))] == ["x", "y", "z k", "sub", "e"]


def test_inline_table_keys_that_look_like_values() -> None:
    src = 't = { true = 1, 1.5 = 2, 2020-01-01 = 3, "s" = 4, \'l\' . "m" = 5, inf = nan }\n'
    doc = Document.from_text(src)
    assert doc.syntax_errors == []
    table = dict(doc.data["t"])  # type: ignore[call-overload]
    assert math.isnan(table.pop("inf"))
    assert table == {"true": 1, "1": {"5": 2}, "2020-01-01": 3, "s": 4, "l": {"m": 5}}
    assert key_text(doc, "t", "true") == "true"
    assert value_text(doc, "t", "true") == "1"
    assert key_text(doc, "t", "1") == "1"
    assert key_text(doc, "t", "1", "5") == "5"
    assert value_text(doc, "t", "1", "5") == "2"
    assert key_text(doc, "t", "2020-01-01") == "2020-01-01"
    assert value_text(doc, "t", "2020-01-01") == "3"
    assert key_text(doc, "t", "s") == '"s"'
    assert key_text(doc, "t", "l") == "'l'"
    assert key_text(doc, "t", "l", "m") == '"m"'
    assert value_text(doc, "t", "l", "m") == "5"
    assert value_text(doc, "t", "inf") == "nan"


# -- keys and tables ----------------------------------------------------------------------


def test_dotted_keys_and_implicit_tables() -> None:
    src = "a.b.c = 1\na . b . d = 2\nx.y = 'q'\n"
    doc = Document.from_text(src)
    assert doc.syntax_errors == []
    a = doc.node(("a",))
    ab = doc.node(("a", "b"))
    assert a is not None
    assert ab is not None
    assert (a.kind, ab.kind) == ("implicit", "implicit")
    assert a.key == Span(0, 1)
    assert ab.key == Span(2, 3)  # first mention
    assert a.value is None
    assert a.header is None
    assert doc.node(("a", "b", "c")).key == Span(4, 5)  # type: ignore[union-attr]
    assert key_text(doc, "a", "b", "d") == "d"
    assert value_text(doc, "a", "b", "d") == "2"
    assert [n.path for n in doc.children(("a", "b"))] == [("a", "b", "c"), ("a", "b", "d")]


def test_quoted_keys_are_decoded() -> None:
    src = '"b c".\'d e\' = 1\n"\\u0041\\"" = 2\n\'\' = 3\n["t.x".\'y\']\nk = 4\n'
    doc = Document.from_text(src)
    assert doc.syntax_errors == []
    assert doc.data == {"b c": {"d e": 1}, 'A"': 2, "": 3, "t.x": {"y": {"k": 4}}}
    assert key_text(doc, "b c") == '"b c"'
    assert key_text(doc, "b c", "d e") == "'d e'"
    assert key_text(doc, 'A"') == '"\\u0041\\""'
    assert value_text(doc, 'A"') == "2"
    assert key_text(doc, "") == "''"
    assert key_text(doc, "t.x", "y") == "'y'"
    assert value_text(doc, "t.x", "y", "k") == "4"


def test_table_headers() -> None:
    src = '# top\nname = "run"\n\n[train]\nlr = 0.1\n\n[a."b c".d]  # comment\nk = 1\n[ a . e ]\n'
    doc = Document.from_text(src)
    assert doc.syntax_errors == []
    train = doc.node(("train",))
    assert train is not None
    assert train.kind == "table"
    assert text_of(doc, train.header) == "[train]"
    assert text_of(doc, train.key) == "train"
    assert train.value is None
    assert value_text(doc, "train", "lr") == "0.1"
    d = doc.node(("a", "b c", "d"))
    assert d is not None
    assert text_of(doc, d.header) == '[a."b c".d]'
    assert text_of(doc, d.key) == "d"
    assert doc.node(("a",)).kind == "implicit"  # type: ignore[union-attr]
    assert key_text(doc, "a", "b c") == '"b c"'
    assert value_text(doc, "a", "b c", "d", "k") == "1"
    assert text_of(doc, doc.node(("a", "e")).header) == "[ a . e ]"  # type: ignore[union-attr]
    assert [n.path for n in doc.children(())] == [("name",), ("train",), ("a",)]
    assert [n.path for n in doc.children(("a",))] == [("a", "b c"), ("a", "e")]


def test_super_table_declared_after_sub_table() -> None:
    doc = Document.from_text("[x.y]\na = 1\n[x]\nb = 2\n")
    assert doc.syntax_errors == []
    x = doc.node(("x",))
    assert x is not None
    assert x.kind == "table"
    assert text_of(doc, x.header) == "[x]"
    paths = [n.path for n in doc.nodes()]
    assert paths == [("x", "y"), ("x", "y", "a"), ("x",), ("x", "b")]


def test_array_of_tables() -> None:
    src = (
        "[[runs]]\nname = 'r0'\n\n"
        "[[runs]]\nname = 'r1'\n[[runs.steps]]\nn = 1\n[[runs.steps]]\nn = 2\n"
        "[runs.cfg]\nk = true\n"
        "[[ runs ]]\n"
    )
    doc = Document.from_text(src)
    assert doc.syntax_errors == []
    assert doc.data == {
        "runs": [
            {"name": "r0"},
            {"name": "r1", "steps": [{"n": 1}, {"n": 2}], "cfg": {"k": True}},
            {},
        ]
    }
    runs = doc.node(("runs",))
    assert runs is not None
    assert runs.kind == "array"
    assert text_of(doc, runs.key) == "runs"
    assert runs.value is None
    first = doc.node(("runs", 0))
    assert first is not None
    assert first.kind == "array-table"
    assert text_of(doc, first.header) == "[[runs]]"
    assert first.header == Span(0, 8)
    assert value_text(doc, "runs", 0, "name") == "'r0'"
    assert value_text(doc, "runs", 1, "name") == "'r1'"
    second = doc.node(("runs", 1))
    assert second is not None
    assert second.header is not None
    assert second.header.start == src.index("[[runs]]\nname = 'r1'")
    assert header_text(doc, "runs", 1, "steps", 1) == "[[runs.steps]]"
    assert value_text(doc, "runs", 1, "steps", 1, "n") == "2"
    assert value_text(doc, "runs", 1, "cfg", "k") == "true"
    assert header_text(doc, "runs", 2) == "[[ runs ]]"
    assert [n.path for n in doc.children(("runs",))] == [("runs", 0), ("runs", 1), ("runs", 2)]


def test_nodes_are_in_document_order_and_lookups() -> None:
    src = "a = 1\n[t]\nb = [1, {c = 2}]\n[t.u]\nd = 3\n"
    doc = Document.from_text(src)
    paths = [n.path for n in doc.nodes()]
    assert paths == [
        ("a",),
        ("t",),
        ("t", "b"),
        ("t", "b", 0),
        ("t", "b", 1),
        ("t", "b", 1, "c"),
        ("t", "u"),
        ("t", "u", "d"),
    ]
    starts = [(n.header or n.key or n.value).start for n in doc.nodes()]  # type: ignore[union-attr]
    assert starts == sorted(starts)
    assert doc.node(("missing",)) is None
    assert doc.nearest(("t", "u", "d", "deeper", 3)) == doc.node(("t", "u", "d"))
    assert doc.nearest(("t", "nope")) == doc.node(("t",))
    assert doc.nearest(("nope", "t")) is None
    assert doc.nearest(()) is None
    assert doc.node(["t", "b"]) == doc.node(("t", "b"))  # type: ignore[arg-type]


def test_crlf_spans_are_offsets_into_original_text() -> None:
    src = '[train]\r\nlr = 0.5\r\nname = "x" # c\r\nlist = [\r\n  1,\r\n  2,\r\n]\r\ns = """a\r\nb"""\r\n'
    doc = Document.from_text(src)
    assert doc.syntax_errors == []
    assert doc.data == {"train": {"lr": 0.5, "name": "x", "list": [1, 2], "s": "a\nb"}}
    assert text_of(doc, doc.node(("train",)).header) == "[train]"  # type: ignore[union-attr]
    assert value_text(doc, "train", "lr") == "0.5"
    assert value_text(doc, "train", "name") == '"x"'
    assert value_text(doc, "train", "list") == "[\r\n  1,\r\n  2,\r\n]"
    assert value_text(doc, "train", "list", 1) == "2"
    assert value_text(doc, "train", "s") == '"""a\r\nb"""'
    assert doc.line_count == 10
    assert doc.line_text(1) == "lr = 0.5"
    assert doc.position(src.index("lr")) == (1, 0)
    assert doc.position(src.index("\r")) == (0, 7)  # "\r" ends line 0
    assert doc.position(src.index("\n")) == (0, 8)
    # Columns clamp to the line's "\n": position() puts a "\r" before it inside the line.
    assert doc.offset(1, 99) == src.index("\nname")
    assert doc.offset(1, 8) == src.index("\r\nname")


def test_unicode_offsets_are_code_points() -> None:
    src = 'emoji = "😀🚀 naïve"\n[t]\n"ключ" = 1\nafter = 2\n'
    doc = Document.from_text(src)
    assert doc.syntax_errors == []
    assert value_text(doc, "emoji") == '"😀🚀 naïve"'
    node = doc.node(("t", "after"))
    assert node is not None
    assert node.key == Span(src.index("after"), src.index("after") + 5)
    assert doc.position(node.key.start) == (3, 0)
    assert key_text(doc, "t", "ключ") == '"ключ"'
    assert doc.position(src.index("🚀")) == (0, 10)


def test_empty_and_comment_only_documents() -> None:
    for src in ["", "\n\n", "# only a comment\n   \t\n# another"]:
        doc = Document.from_text(src)
        assert doc.data == {}
        assert doc.syntax_errors == []
        assert not doc.recovered
        assert list(doc.nodes()) == []
        assert doc.children(()) == []


# -- positions ----------------------------------------------------------------------------


@pytest.mark.parametrize("src", ["", "a", "a\n", "a = 1\r\nb = 2\r\n", "\n\n\n", "x\ry\nz", "é😀\nü\r\n\r\n"])
def test_position_offset_round_trip(src: str) -> None:
    doc = Document.from_text(src)
    assert doc.line_count == src.count("\n") + 1
    for offset in range(len(src) + 1):
        line, column = doc.position(offset)
        assert 0 <= line < doc.line_count
        assert doc.offset(line, column) == offset
    lines = src.split("\n")
    for i, line_text in enumerate(lines):
        assert doc.line_text(i) == (line_text[:-1] if line_text.endswith("\r") else line_text)


def test_position_and_offset_clamp() -> None:
    doc = Document.from_text("ab\ncd\n")
    assert doc.position(-5) == (0, 0)
    assert doc.position(999) == (2, 0)
    assert doc.offset(-1, 3) == 0
    assert doc.offset(0, -4) == 0
    assert doc.offset(0, 99) == 2
    assert doc.offset(1, 1) == 4
    assert doc.offset(99, 0) == 6
    assert doc.line_text(99) == ""
    assert doc.line_text(-1) == ""


# -- syntax errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "message", "where"),
    [
        ("a = 1\nb 2\n", "invalid TOML: Expected '=' after a key in a key/value pair", (1, 2)),
        ("a = 1\nb = \n", "invalid TOML: Invalid value", (1, 4)),
        ("a = [1, 2\nb = 3\n", "invalid TOML: Unclosed array", (1, 0)),
        (
            "a = 1 2\n",
            "invalid TOML: Expected newline or end of document after a statement",
            (0, 6),
        ),
        ("[t]\nx = 'abc\ny = 'q'\n", "invalid TOML: Found invalid character '\\n'", (1, 8)),
        ("[t]\nx = 'abc\n", 'invalid TOML: Expected "\'"', (1, 8)),  # at end of document
        ('x = "abc', "invalid TOML: Unterminated string", (0, 7)),  # end of document
        ("a = \rb = 1\n", "invalid TOML: Invalid value", (0, 4)),  # a lone \r
        ("a = 1\r\nb = @\r\n", "invalid TOML: Invalid value", (1, 4)),
    ],
)
def test_syntax_error_positions(src: str, message: str, where: tuple[int, int]) -> None:
    doc = Document.from_text(src)
    problem = doc.syntax_errors[0]
    assert problem.message == message
    assert "(at " not in problem.message
    assert doc.position(problem.span.start) == where
    assert problem.span.end == problem.span.start + 1
    assert doc.recovered
    assert_spans_in_bounds(doc)


def test_recovery_keeps_later_keys() -> None:
    src = 'model = "m"\nname = "x"\nthis line is broken\n[train]\nlora_rank = 8\n'
    doc = Document.from_text(src)
    problem = only_error(doc)
    assert doc.position(problem.span.start)[0] == 2
    assert doc.recovered
    assert doc.data == {"model": "m", "name": "x", "train": {"lora_rank": 8}}
    node = doc.node(("train", "lora_rank"))
    assert node is not None
    assert text_of(doc, node.key) == "lora_rank"
    assert text_of(doc, node.value) == "8"
    assert doc.text == src  # blanking never touches the text itself


def test_recovery_of_several_broken_lines() -> None:
    src = "a = 1\nb = \nc = 3\nd = }\n[t]\ne = 5\nf f\n"
    doc = Document.from_text(src)
    assert [doc.position(p.span.start)[0] for p in doc.syntax_errors] == [1, 3, 6]
    assert doc.data == {"a": 1, "c": 3, "t": {"e": 5}}
    assert value_text(doc, "t", "e") == "5"


def test_broken_header_blanks_its_table_body() -> None:
    src = "a = 1\n[train\nlr = 1\nsteps = 2\n\n[eval]\nn = 2\n"
    doc = Document.from_text(src)
    problem = only_error(doc)
    assert problem.message == "invalid TOML: Expected ']' at the end of a table declaration"
    assert doc.position(problem.span.start)[0] == 1
    # lr / steps would otherwise land in the root table: better to lose them
    assert doc.data == {"a": 1, "eval": {"n": 2}}
    assert doc.node(("lr",)) is None
    assert value_text(doc, "eval", "n") == "2"


def test_broken_header_at_end_blanks_to_the_end() -> None:
    doc = Document.from_text("a = 1\n[[runs]\nx = 1\n")
    assert doc.data == {"a": 1}
    assert len(doc.syntax_errors) == 1


def test_unclosed_array_keeps_following_statement() -> None:
    src = "x = [\n  1,\ny = 2\n[t]\nz = 3\n"
    doc = Document.from_text(src)
    problem = only_error(doc)
    assert doc.position(problem.span.start) == (2, 0)
    assert problem.hint == "the array opened on line 1 is never closed"
    assert doc.data == {"y": 2, "t": {"z": 3}}


def test_bad_line_inside_multiline_array_is_dropped_alone() -> None:
    doc = Document.from_text("x = [\n  1,\n  2 3,\n  4,\n]\ny = 1\n")
    assert doc.data == {"x": [1, 4], "y": 1}
    assert value_text(doc, "x", 1) == "4"


def test_unterminated_multiline_string_blanks_from_its_start() -> None:
    doc = Document.from_text('a = 1\ns = """never\nclosed\nb = 2\n')
    problem = only_error(doc)
    assert problem.message == "invalid TOML: Unterminated string"
    assert doc.data == {"a": 1}


def test_duplicate_key_hint_and_span() -> None:
    src = "lr = 1\nsteps = 2\nlr = 3\n"
    doc = Document.from_text(src)
    problem = only_error(doc)
    assert problem.message == "invalid TOML: Cannot overwrite a value"
    assert problem.hint == "each key and table may appear only once in a TOML file"
    assert text_of(doc, problem.span) == "lr"
    assert doc.position(problem.span.start) == (2, 0)
    assert doc.data == {"lr": 1, "steps": 2}


def test_duplicate_table_hint() -> None:
    src = "[t]\na = 1\n[t]\nb = 2\n[u]\nc = 3\n"
    doc = Document.from_text(src)
    problem = only_error(doc)
    assert problem.message.startswith("invalid TOML: Cannot declare")
    assert problem.hint == "each key and table may appear only once in a TOML file"
    assert text_of(doc, problem.span) == "[t]"
    assert doc.position(problem.span.start) == (2, 0)
    assert doc.data == {"t": {"a": 1}, "u": {"c": 3}}


@pytest.mark.parametrize(
    "src",
    [
        "p = { x = 1,\n  y = 2 }\nq = 1\n",
        "p = {\n  x = 1 }\nq = 1\n",
        "p = { x = 1\n}\nq = 1\n",
        "p = { x = 1, }\nq = 1\n",
        "p = { x = { y = 1, }, z = 2 }\nq = 1\n",
    ],
)
def test_toml_1_1_inline_table_hint(src: str) -> None:
    doc = Document.from_text(src)
    problem = doc.syntax_errors[0]
    assert problem.hint is not None
    assert "inline tables must stay on one line and have no trailing comma" in problem.hint
    assert "TOML 1.0" in problem.hint
    assert doc.data == {"q": 1}  # the whole inline table statement is dropped


@pytest.mark.parametrize(("src", "escape"), [('s = "\\e[0m"\n', "\\e"), ('s = "caf\\xE9"\n', "\\x")])
def test_toml_1_1_escape_hint(src: str, escape: str) -> None:
    doc = Document.from_text(src)
    problem = only_error(doc)
    assert problem.message == "invalid TOML: Unescaped '\\' in a string"
    assert text_of(doc, problem.span) == escape
    assert problem.hint is not None
    assert "TOML 1.0" in problem.hint
    assert escape in problem.hint


def test_backslash_hint_for_windows_paths() -> None:
    doc = Document.from_text('path = "C:\\data\\run"\n')
    problem = only_error(doc)
    assert text_of(doc, problem.span) == "\\d"
    assert problem.hint is not None
    assert "literal string" in problem.hint


@pytest.mark.parametrize("src", ["t = 07:32\n", "d = 1979-05-27T07:32Z\n", "d = 1979-05-27 07:32\n", "a = [07:32]\n"])
def test_toml_1_1_time_without_seconds_hint(src: str) -> None:
    problem = Document.from_text(src).syntax_errors[0]
    assert problem.hint is not None
    assert "times need seconds" in problem.hint
    assert "TOML 1.0" in problem.hint


def test_unquoted_string_hint() -> None:
    assert Document.from_text("model = Qwen\n").syntax_errors[0].hint == ('text values must be quoted, e.g. "Qwen"')
    assert "lowercase" in (Document.from_text("x = True\n").syntax_errors[0].hint or "")


def test_gives_up_after_25_rounds() -> None:
    src = "".join(f"broken {i}\n" for i in range(40)) + "ok = 1\n"
    doc = Document.from_text(src)
    assert doc.data == {}
    assert doc.recovered
    assert list(doc.nodes()) == []
    assert 25 <= len(doc.syntax_errors) <= 26
    lines = [doc.position(p.span.start)[0] for p in doc.syntax_errors]
    assert lines == sorted(set(lines))  # one per line, in order


def test_recovery_deduplicates_per_line() -> None:
    doc = Document.from_text("a = [1,\n2 3 4 5\n")
    lines = [doc.position(p.span.start)[0] for p in doc.syntax_errors]
    assert len(lines) == len(set(lines))


def test_integer_beyond_python_digit_limit() -> None:
    doc = Document.from_text("a = 1\nbig = " + "9" * 5000 + "\nb = 2\n")
    problem = only_error(doc)
    assert "4300 digits" in problem.message
    assert doc.position(problem.span.start) == (1, 6)
    assert doc.data == {"a": 1, "b": 2}


# -- encodings ----------------------------------------------------------------------------

BOM_MESSAGE = "file starts with a UTF-8 byte-order mark (BOM), which Flash's TOML reader rejects"


def test_bom_in_text() -> None:
    src = '\ufeffname = "x"\n[t]\nk = 1\n'
    doc = Document.from_text(src)
    problem = only_error(doc)
    assert problem == SyntaxProblem(BOM_MESSAGE, Span(0, 1), "save the file as UTF-8 without a BOM")
    assert doc.text == src
    assert doc.recovered
    assert doc.data == {"name": "x", "t": {"k": 1}}
    assert key_text(doc, "name") == "name"
    assert value_text(doc, "t", "k") == "1"


def test_bom_in_bytes() -> None:
    doc = Document.from_bytes(b"\xef\xbb\xbfa = 1\n")
    assert doc.text == "\ufeffa = 1\n"
    assert only_error(doc).message == BOM_MESSAGE
    assert doc.data == {"a": 1}
    assert value_text(doc, "a") == "1"


def test_from_bytes_valid_utf8() -> None:
    doc = Document.from_bytes('name = "naïve 😀"\n'.encode())
    assert doc.syntax_errors == []
    assert doc.data == {"name": "naïve 😀"}


def test_invalid_utf8() -> None:
    raw = b'a = 1\nname = "caf\xe9"\nb = 2\nc = "\xff\xfe ok"\nd = "\xe2\x82"\n'
    doc = Document.from_bytes(raw)
    assert doc.text == raw.decode("utf-8", "replace")
    first = doc.syntax_errors[0]
    assert first.message == ("invalid UTF-8 byte 0xE9 in the file; Flash's TOML reader only accepts UTF-8")
    assert first.hint == "re-save the file as UTF-8"
    assert first.span == Span(doc.text.index("\ufffd"), doc.text.index("\ufffd") + 1)
    assert doc.position(first.span.start) == (1, 11)
    assert [doc.position(p.span.start)[0] for p in doc.syntax_errors] == [1, 3, 4]
    assert "0xFF" in doc.syntax_errors[1].message
    assert doc.recovered
    assert doc.data == {"a": 1, "b": 2}
    assert value_text(doc, "b") == "2"


def test_nul_and_control_characters_are_tomllib_errors() -> None:
    doc = Document.from_text("a = 1\nb = \x00\nc = 3\n")
    assert doc.position(only_error(doc).span.start) == (1, 4)
    assert doc.data == {"a": 1, "c": 3}


# -- robustness ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "src",
    [
        "x = " + "[" * 10_000 + "]" * 10_000 + "\n",
        "x = " + "[" * 10_000,
        "x = " + "{a=" * 10_000 + "1" + "}" * 10_000 + "\n",
        "[" * 10_000 + "\n",
        "a = 1\n" + "b = " + "[" * 5_000 + "\nc = 2\n",
    ],
)
def test_deep_nesting_does_not_crash(src: str) -> None:
    doc = Document.from_text(src)
    assert doc.syntax_errors
    assert doc.recovered
    assert_spans_in_bounds(doc)
    if "nesting is too deep" in doc.syntax_errors[0].message:
        assert doc.syntax_errors[0].span == Span(0, 1)
        assert doc.data == {}


def test_moderately_deep_valid_nesting_is_scanned() -> None:
    depth = 150
    src = "x = " + "[" * depth + "1" + "]" * depth + "\ny = 2\n"
    doc = Document.from_text(src)
    assert doc.syntax_errors == []
    assert value_text(doc, "x", *([0] * depth)) == "1"
    assert value_text(doc, "y") == "2"


def test_module_stays_free_of_cli_and_lsp_imports() -> None:
    package = FsPath(__file__).resolve().parent.parent / "flash_schema"
    for name in ("document.py", "spans.py", "lexer.py", "_scan.py", "_recovery.py"):
        tree = ast.parse((package / name).read_text(encoding="utf-8"))
        imported: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
            assert not (isinstance(node, ast.Name) and node.id == "print")
        assert not imported & {"click", "pygls", "lsprotocol"}


TOMLISH = st.lists(
    st.sampled_from(
        [
            *"abcxyz019_-.=[]{},'\"#\\ \t\n\r\ufeff\x00é😀tfuenaix:+Z",
            *['"""', "'''", "\r\n", "= ", "[[", "]]", "true", "1979-05-27", "07:32:00"],
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=80), TOMLISH))
def test_any_text_never_raises_and_spans_stay_in_bounds(src: str) -> None:
    doc = Document.from_text(src)
    assert doc.text == src
    assert_spans_in_bounds(doc)
    assert doc.recovered == bool(doc.syntax_errors)
    for node in doc.nodes():
        assert doc.node(node.path) == node
    for offset in range(len(src) + 1):
        assert doc.offset(*doc.position(offset)) == offset


@settings(max_examples=examples(100), deadline=None)
@given(st.binary(max_size=60))
def test_any_bytes_never_raise(raw: bytes) -> None:
    doc = Document.from_bytes(raw)
    assert doc.text == raw.decode("utf-8", "replace")
    assert_spans_in_bounds(doc)


# -- generated valid TOML ------------------------------------------------------------------

KEYS = st.text(alphabet=st.sampled_from(list("abcXYZ09_- .'\"\\é😀#=[]\t")), min_size=0, max_size=6)
SCALAR_VALUES = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=12),
    st.dates(),
    st.times(),
    st.datetimes(),
    st.datetimes(timezones=st.just(dt.UTC)),
)
VALUES = st.recursive(
    SCALAR_VALUES,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(KEYS, children, max_size=4),
    ),
    max_leaves=12,
)
DOCUMENTS = st.dictionaries(KEYS, VALUES, max_size=6)


def leaves(value: Any, path: Path = ()) -> list[tuple[Path, Any]]:
    if isinstance(value, dict):
        return [leaf for key, child in value.items() for leaf in leaves(child, (*path, key))]
    if isinstance(value, list):
        return [leaf for i, child in enumerate(value) for leaf in leaves(child, (*path, i))]
    return [(path, value)]


def containers(value: Any, path: Path = ()) -> list[Path]:
    found: list[Path] = [path] if path and isinstance(value, dict | list) else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += containers(child, (*path, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += containers(child, (*path, i))
    return found


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b) and type(a) is type(b)


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS, st.booleans(), st.booleans(), st.booleans())
def test_generated_toml_every_leaf_has_a_matching_span(
    data: dict[str, Any], multiline: bool, indent: bool, crlf: bool
) -> None:
    src = tomli_w.dumps(data, multiline_strings=multiline, indent=2 if indent else 4)
    if crlf:
        src = src.replace("\n", "\r\n")
    doc = Document.from_text(src)
    assert doc.syntax_errors == []
    assert not doc.recovered
    expected = tomllib.loads(src)
    for path, leaf in leaves(expected):
        node = doc.node(path)
        assert node is not None, (path, src)
        assert node.value is not None
        parsed = tomllib.loads("x = " + text_of(doc, node.value))["x"]  # type: ignore[operator]
        assert same(parsed, leaf), (path, text_of(doc, node.value), leaf)
        if isinstance(path[-1], str):
            key = text_of(doc, node.key)
            assert key is not None
            assert list(tomllib.loads(f"{key} = 1")) == [path[-1]]
        else:
            assert node.key is None
    for path in containers(expected):
        assert doc.node(path) is not None, (path, src)
    assert_spans_in_bounds(doc)


def test_a_sub_table_header_after_an_array_of_tables_is_a_header() -> None:
    """`[a.b]` after `[[a]]` is the table `a[0].b`: its keys are in it, not in the array element."""
    text = "[[a]]\nx = 1\n[a.b]\ny = 2\n"
    doc = Document.from_text(text)
    assert doc.enclosing_table(text.index("y")) == (("a", 0, "b"), 12, 24)
    assert (2, ("a", "b")) in doc.declared_tables()


def test_format_path_writes_keys_as_toml_does() -> None:
    from flash_schema.spans import format_path

    assert format_path(("train", "lora_rank")) == "train.lora_rank"
    assert format_path(("environment", "params", "a b", 0)) == 'environment.params."a b"[0]'
    assert format_path(("a\nb", "")) == '"a\\nb".""'
