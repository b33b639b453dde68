"""The language server's re-parse after an edit inside one value, checked against a full parse."""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pytest
from flash_schema_lsp.features.reparse import changed_region, reparse

from flash_schema.checker import check_document
from flash_schema.document import Document
from flash_schema.files import MAX_BYTES

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = sorted(
    [*ROOT.glob("examples/**/*.toml"), *ROOT.glob("tests/cases/*.toml")],
    key=str,
)
# What typing inside a value may bring: digits, signs, quotes, brackets, comments, escapes...
PIECES = [*"0123456789.-+_eExTZ:\"'#[]{},= \\\t", '"""', "'''", "\n", "\r\n", "nan", "inf", "true", "1979-05-27"]


def same(a: Any, b: Any) -> bool:
    """Equal data, types included (True is not 1), NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def assert_like_full_parse(old: Document, text: str) -> bool:
    """reparse() either declines or gives exactly what parsing ``text`` from scratch gives."""
    got = reparse(old, text)
    if got is None:
        return False
    full = Document.from_text(text)
    assert not full.syntax_errors, text
    assert same(got.data, full.data), text
    assert list(got.nodes()) == list(full.nodes()), text
    assert check_document(got) == check_document(full), text
    return True


@pytest.mark.parametrize(
    ("before", "after"),
    [("abc", "abc"), ("abc", "abXc"), ("abc", "ac"), ("", "x"), ("x = 300\n", "x = 0\n"), ("aaa", "aa")],
)
def test_changed_region(before: str, after: str):
    start, old_end, new_end = changed_region(before, after)
    assert before[:start] + after[start:new_end] + before[old_end:] == after
    assert before[:start] == after[:start]
    assert before[old_end:] == after[new_end:]


def test_an_edited_value_is_spliced_in():
    text = 'model = "Qwen/Qwen3.5-4B"\n\n[train]\nsteps = 300  # more\n\n[environment]\nid = "a/b"\n'
    old = Document.from_text(text)
    for new in ("steps = 0", "steps = 3000", 'steps = "x"', "steps = [1, 2]", "steps = { a = 1 }", "steps = nan"):
        assert assert_like_full_parse(old, text.replace("steps = 300", new)), new


@pytest.mark.parametrize(
    "new",
    [
        "steps = ",  # no value: a syntax error
        'steps = """',  # a multi-line string now swallows the lines below
        "steps = [",  # so does an open array
        "steps = 1, x = 2",  # two statements on a line is not TOML
        "steps = 1\nsteps = 2",  # the edit spans lines
        "step = 300",  # the key changed
        "steps = 300 300",
    ],
)
def test_other_edits_are_left_to_a_full_parse(new: str):
    text = 'model = "Qwen/Qwen3.5-4B"\n\n[train]\nsteps = 300\nlora_rank = 8\n'
    assert reparse(Document.from_text(text), text.replace("steps = 300", new)) is None


def test_a_text_over_the_size_limit_is_left_to_a_full_parse():
    text = 'model = "Qwen/Qwen3.5-4B"\nnote = "x"\n'
    grown = text.replace('"x"', '"' + "x" * MAX_BYTES + '"')
    assert reparse(Document.from_text(text), grown) is None
    assert Document.from_text(grown).syntax_errors


def test_lines_that_only_look_like_statements_are_not_spliced():
    # Inside a multi-line string or a multi-line array, a `key = value` line is text or junk.
    text = 'model = "Qwen/Qwen3.5-4B"\nnote = """\nsteps = 300\n"""\n[train]\nsteps = 1\nx = [\n  1,\n]\n'
    old = Document.from_text(text)
    assert reparse(old, text.replace("steps = 300", "steps = 0")) is None
    assert reparse(old, text.replace("x = [", "x = []")) is None  # the rest of the array is left over


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_random_edits_match_a_full_parse(path: Path):
    text = path.read_bytes().decode("utf-8", "replace")
    old = Document.from_text(text)
    if old.syntax_errors:
        assert reparse(old, text + " ") is None
        return
    rnd = random.Random(path.name)
    values = [n.value for n in old.nodes() if n.value is not None]
    if not values:
        return
    spliced = 0
    for _ in range(60):
        span = rnd.choice(values)
        at = rnd.randint(span.start, span.end)
        cut = rnd.choice([0, 0, 1, 2])
        new = text[:at] + rnd.choice(["", *PIECES]) + text[min(at + cut, len(text)) :]
        if new != text:
            spliced += assert_like_full_parse(old, new)
    assert spliced > 0
