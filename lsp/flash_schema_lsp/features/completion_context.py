"""What is being typed at the cursor, for completion: a table header, a key or a value.

It works on half-written text: the cursor's own line is read on its own (``Document.line``),
and the enclosing ``[table]`` is the nearest header line above it that the document agrees is
one (``Document.enclosing_table``).  Which keys a table already has is read from the parsed
document and from the section's text, since the lines being typed may be ones the parse had
to drop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from flash_schema.document import Document, Path, Span, decode_key
from flash_schema.lexer import HEADER_CHARS, KEY_CHARS, KEY_LINE, SCALAR_CHARS, Line, blank_end, key_line_regex
from flash_schema.spans import without_indices

_NOWHERE = Span(0, 0)


@dataclass(frozen=True, slots=True)
class Context:
    """Where the cursor is, for completion.

    - "header": typing a table name after ``[``; ``path`` holds the dotted parts typed before
      the current one.
    - "key": typing a key name; ``path`` is the table the key goes into (the enclosing table
      plus any dotted parts typed before the current one).
    - "value": typing a value after ``key =``; ``path`` is the full key path.
    - "none": in a comment, after a complete value, or somewhere completion makes no sense.

    ``replace`` is the text a completion replaces (the partly typed word, or the partly typed
    value including its quotes), ``prefix`` its part before the cursor.
    """

    kind: Literal["header", "key", "value", "none"]
    path: Path = ()
    table: Path = ()
    prefix: str = ""
    replace: Span = _NOWHERE
    line: Line | None = None
    section: tuple[int, int] = (0, 0)  # start and end of the enclosing table's section
    has_eq: bool = False  # a key being typed already has `= ...` after it
    closed: bool = False  # a header being typed already has its `]`
    array: bool = False


def declared_tables(doc: Document, skip_line: int | None = None) -> set[Path]:
    """Tables the document declares with a `[header]` (array indices dropped), but on ``skip_line``."""
    return {path for line_no, path in doc.declared_tables() if line_no != skip_line}


def present_keys(
    doc: Document, table: Path, candidates: tuple[str, ...], section: tuple[int, int], skip: Line | None
) -> set[str]:
    """Which of ``candidates`` ``table`` already has, in the parsed document or in its text.

    The text (the lines of the table's section) is read too because keys on lines the core
    had to blank while the document is broken are still there for the user.  ``skip`` is
    the line being edited.  Only the candidates are looked up, so a table with thousands of
    keys costs no more than a small one.
    """
    names: set[str] = set()
    for name in candidates:
        node = doc.node((*table, name))
        if node is None:
            continue
        key = node.key
        if skip is not None and key is not None and skip.start <= key.start <= skip.end:
            continue
        names.add(name)
    if not candidates:
        return names
    start, end = section
    ranges = [(start, end)] if skip is None else [(start, skip.start), (skip.end, end)]
    regex = key_line_regex(candidates)
    text = doc.text
    for lo, hi in ranges:
        if hi <= lo:
            continue
        if lo == 0:  # the document's first line has no line break before it
            eol = text.find("\n", 0, hi)
            first = regex.match("\n" + text[: hi if eol < 0 else eol])
            if first is not None:
                names.add(decode_key(first.group(1)))
        begin = lo if text.startswith("\n", lo) else max(text.rfind("\n", 0, lo), 0)
        for m in regex.finditer(text, begin, hi):
            names.add(decode_key(m.group(1)))
    return names


def has_key_line(doc: Document, start: int, end: int) -> bool:
    """Whether a `key = ...` line starts between offsets start and end."""
    return KEY_LINE.search(doc.text, start, max(start, end)) is not None


# -- completion contexts -----------------------------------------------------------------------


def _word_around(text: str, col: int, chars: re.Pattern[str]) -> tuple[int, int]:
    """The run of ``chars`` around column col: (start, end) columns."""
    start = col
    while start > 0 and chars.fullmatch(text[start - 1]):
        start -= 1
    end = chars.match(text, col)
    return start, end.end() if end else col


def _value_extent(text: str, col: int, value_start: int) -> tuple[int, int] | None:
    """The partly typed value around the cursor: (start, end) columns, or None when complete.

    A value still being typed is a run of scalar characters, or a string whose closing quote
    is missing or right after the cursor (editors auto-close quotes).
    """
    typed = text[value_start:col]
    rest = text[col:]
    if typed[:1] in ("'", '"'):
        quote = typed[0]
        if quote in typed[1:]:
            return None  # the string closed before the cursor: the value is complete
        close = rest.find(quote)
        tail = close + 1 if close >= 0 else len(rest.split("#", 1)[0].rstrip())
        return value_start, col + tail
    if typed and not SCALAR_CHARS.fullmatch(typed):
        return None  # arrays, inline tables, values followed by more text
    end = SCALAR_CHARS.match(rest)
    return value_start, col + (end.end() if end else 0)


def context_at(doc: Document, offset: int) -> Context:
    """What is being typed at ``offset``: a header, a key or a value (or nothing)."""
    line_no, _ = doc.position(offset)
    line = doc.line(line_no)
    text = doc.line_text(line_no)
    col = min(offset - line.start, len(text))  # the "\n" of a CRLF is the end of the line
    if line.comment is not None and offset > line.comment:
        return Context("none", line=line)
    stripped = text.lstrip(" \t")
    indent = len(text) - len(stripped)
    if stripped.startswith("["):
        if col <= indent:
            return Context("none", line=line)
        array = stripped.startswith("[[")
        name_start = indent + (2 if array else 1)
        if col < name_start:
            return Context("none", line=line)
        start, end = _word_around(text, col, HEADER_CHARS)
        start = max(start, name_start)
        close = "]]" if array else "]"
        closed = text[end:].lstrip(" \t").startswith(close)
        close_col = text.find(close, name_start)
        if 0 <= close_col < col:
            return Context("none", line=line)  # after the closing bracket
        return Context(
            "header",
            path=(),
            prefix=text[start:col],
            replace=Span(line.start + start, line.start + end),
            line=line,
            closed=closed,
            array=array,
        )
    if line.kind not in ("key", "blank"):
        return Context("none", line=line)
    found, section_start, section_end = doc.enclosing_table(offset)
    table = without_indices(found)
    if line.kind == "key" and line.eq is not None and offset > line.eq:
        path = (*table, *(s.name for s in line.segments))
        value_start = blank_end(text, line.eq - line.start + 1)
        value_start = min(value_start, col)
        extent = _value_extent(text, col, value_start)
        if extent is None:
            return Context("none", line=line)
        return Context(
            "value",
            path=path,
            table=table,
            prefix=text[extent[0] : col],
            replace=Span(line.start + extent[0], line.start + extent[1]),
            line=line,
        )
    start, end = _word_around(text, col, KEY_CHARS)
    word_start = line.start + start
    parents = [s.name for s in line.segments if s.span.end <= word_start]
    if line.segments:
        last = line.segments[-1]
        after_dot = text[:col].rstrip(" \t").endswith(".")
        if offset > last.span.end and not after_dot:
            return Context("none", line=line)  # past the key, e.g. `lora_rank █= 3`
        if line.segments[0].span.start > word_start:
            parents = []
    return Context(
        "key",
        path=(*table, *parents),
        table=table,
        section=(section_start, section_end),
        prefix=text[start:col],
        replace=Span(word_start, line.start + end),
        line=line,
        has_eq=line.eq is not None,
    )
