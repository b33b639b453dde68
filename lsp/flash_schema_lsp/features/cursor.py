"""Cursor queries of a Flash config: what key, table or value is at an offset.

They work on half-written text too.  The cursor's own line is read on its own (a
``[header``, a ``key``, a ``key = value``), and the enclosing ``[table]`` is the nearest
header line above it.  When the document parsed, a header line is only believed if the
core's Document has that table there (so a ``[`` at the start of a line inside a multi-line
string or array is not mistaken for one); while the document has syntax errors, the lines
themselves are believed, since the broken ones are exactly the ones being typed.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any, Literal

from flash_schema.document import Document, Node, Path, Span, decode_key

_KEY_PART = re.compile(r"""[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"?|'[^'\n]*'?""")
_DOT = re.compile(r"[ \t]*\.[ \t]*")
_WS = re.compile(r"[ \t]*")
_HEADER_START = re.compile(r"^[ \t]*\[", re.MULTILINE)
# The first key segment of each `key = ...` / `key.sub = ...` line.
_LINE_KEY = re.compile(r"""^[ \t]*([A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')[ \t]*[.=]""", re.MULTILINE)
_WORD_CHARS = re.compile(r"[A-Za-z0-9_-]*")
_HEADER_WORD_CHARS = re.compile(r"[A-Za-z0-9_.\-]*")
_NOWHERE = Span(0, 0)


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment of a (dotted) key or header: its decoded name and where it is."""

    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Line:
    """A line of the document read on its own.

    ``kind`` is "header" (``[a.b`` or ``[[a.b``, closed or not), "key" (a key, with or
    without ``=``), "blank" (only whitespace and/or a comment) or "other" (anything else,
    e.g. the continuation of a multi-line array).
    """

    kind: Literal["header", "key", "blank", "other"]
    start: int  # offset of the line's first character
    end: int  # offset just after its last character (before "\r\n" / "\n")
    segments: tuple[Segment, ...] = ()
    array: bool = False  # `[[header]]`
    closed: bool = False  # the header's `]` (or `]]`) is there
    eq: int | None = None  # offset of the `=` after a key
    comment: int | None = None  # offset of a `#` that starts a comment


@dataclass(frozen=True, slots=True)
class Target:
    """What the cursor is on, for hover: a key, a table header segment, or a value."""

    kind: Literal["key", "header", "value"]
    path: Path
    span: Span


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


# -- reading one line ---------------------------------------------------------------------


def _ws_end(text: str, pos: int) -> int:
    """The end of the blanks (spaces and tabs) starting at pos."""
    m = _WS.match(text, pos)
    return pos if m is None else m.end()


def _key_segments(text: str, pos: int, base: int) -> tuple[int, list[Segment], bool]:
    """Read a dotted key at pos; return its end, its segments and whether a dot trails it."""
    segments: list[Segment] = []
    while True:
        m = _KEY_PART.match(text, pos)
        if m is None or m.end() == pos:
            return pos, segments, bool(segments)
        segments.append(Segment(decode_key(m.group()), Span(base + m.start(), base + m.end())))
        pos = m.end()
        dot = _DOT.match(text, pos)
        if dot is None:
            return pos, segments, False
        pos = dot.end()


def _comment_start(text: str, pos: int) -> int | None:
    """Offset (in text) of a `#` starting a comment at or after pos, skipping strings."""
    i = pos
    n = len(text)
    while i < n:
        char = text[i]
        if char == "#":
            return i
        if char in "\"'":
            triple = text.startswith(char * 3, i)
            close = text.find(char * 3 if triple else char, i + (3 if triple else 1))
            while close >= 0 and char == '"' and not triple and _escaped(text, close):
                close = text.find(char, close + 1)
            if close < 0:
                return None
            i = close + (3 if triple else 1)
            continue
        i += 1
    return None


def _escaped(text: str, pos: int) -> bool:
    backslashes = 0
    while pos - 1 - backslashes >= 0 and text[pos - 1 - backslashes] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def read_line(doc: Document, line: int) -> Line:
    """Read line ``line`` (0-based) of ``doc`` on its own."""
    start = doc.offset(line, 0)
    text = doc.line_text(line)
    end = start + len(text)
    pos = _ws_end(text, 0)
    if pos >= len(text) or text[pos] == "#":
        return Line("blank", start, end, comment=start + pos if pos < len(text) else None)
    if text[pos] == "[":
        array = text.startswith("[[", pos)
        pos = _ws_end(text, pos + (2 if array else 1))
        pos, segments, _ = _key_segments(text, pos, start)
        pos = _ws_end(text, pos)
        close = "]]" if array else "]"
        closed = text.startswith(close, pos)
        comment = _comment_start(text, pos)
        return Line(
            "header",
            start,
            end,
            tuple(segments),
            array=array,
            closed=closed,
            comment=None if comment is None else start + comment,
        )
    after, segments, _ = _key_segments(text, pos, start)
    if not segments:
        return Line("other", start, end)
    eq_pos = _ws_end(text, after)
    if eq_pos < len(text) and text[eq_pos] == "=":
        comment = _comment_start(text, eq_pos + 1)
        return Line(
            "key",
            start,
            end,
            tuple(segments),
            eq=start + eq_pos,
            comment=None if comment is None else start + comment,
        )
    if eq_pos < len(text) and text[eq_pos] != "#":
        return Line("other", start, end)
    return Line("key", start, end, tuple(segments), comment=start + eq_pos if eq_pos < len(text) else None)


# -- per-document caches --------------------------------------------------------------------


class _View:
    """Lazily computed lookups over one Document (kept while the document is current)."""

    __slots__ = ("_header_starts", "_headers", "_span_starts", "_spans", "doc")

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._header_starts: list[int] | None = None
        self._headers: list[tuple[int, Path]] | None = None
        self._spans: list[tuple[int, int, str, Path]] | None = None
        self._span_starts: list[int] | None = None

    def header_starts(self) -> list[int]:
        """Offsets of every line that starts (after blanks) with `[`: candidate headers."""
        if self._header_starts is None:
            self._header_starts = [m.end() - 1 for m in _HEADER_START.finditer(self.doc.text)]
        return self._header_starts

    def headers(self) -> list[tuple[int, Path]]:
        """(line, table path) of every real `[header]` line (see ``declared_tables``)."""
        if self._headers is None:
            self._headers = _declared(self.doc)
        return self._headers

    def spans(self) -> tuple[list[int], list[tuple[int, int, str, Path]]]:
        """Every key, value and header span of the document, sorted by start."""
        if self._spans is None or self._span_starts is None:
            spans: list[tuple[int, int, str, Path]] = []
            for node in self.doc.nodes():
                if node.header is not None:
                    spans.append((node.header.start, node.header.end, "header", node.path))
                if node.key is not None and node.header is None:
                    spans.append((node.key.start, node.key.end, "key", node.path))
                if node.value is not None:
                    spans.append((node.value.start, node.value.end, "value", node.path))
            spans.sort(key=lambda s: (s[0], -s[1]))
            self._spans = spans
            self._span_starts = [s[0] for s in spans]
        return self._span_starts, self._spans


_VIEWS: dict[int, _View] = {}
_MAX_VIEWS = 16


def view(doc: Document) -> _View:
    """The lookup cache of ``doc`` (documents are immutable, so it never goes stale)."""
    found = _VIEWS.get(id(doc))
    if found is not None and found.doc is doc:
        return found
    if len(_VIEWS) >= _MAX_VIEWS:
        _VIEWS.pop(next(iter(_VIEWS)))
    made = _View(doc)
    _VIEWS[id(doc)] = made
    return made


# -- tables ---------------------------------------------------------------------------------


def _header_path(doc: Document, line: Line) -> Path | None:
    """The table path a header line declares, if the document agrees it is a header."""
    names: Path = tuple(s.name for s in line.segments)
    if not names:
        return None
    bracket = doc.text.find("[", line.start)
    node = doc.node(names)
    if line.array:
        if node is not None and node.kind == "array":
            for child in doc.children(names):
                if child.header is not None and child.header.start == bracket:
                    return child.path
        return names if doc.syntax_errors else None
    if node is not None and node.header is not None and node.header.start == bracket:
        return names
    # A header the core does not know: believable only while the document is broken (it
    # is probably the line being typed, or one the core blanked to recover).
    return names if doc.syntax_errors and line.closed else None


def enclosing_table(doc: Document, offset: int) -> tuple[Path, int, int]:
    """The table whose section holds ``offset``: (path, section start, section end).

    The top level is ``()``, from the start of the document to its first header.  A
    ``[[array]]`` table's path ends with the element's index.
    """
    starts = view(doc).header_starts()
    line_no = doc.position(offset)[0]
    line_start = doc.offset(line_no, 0)
    i = bisect_left(starts, line_start) - 1
    path: Path = ()
    section_start = 0
    while i >= 0:
        header_line = read_line(doc, doc.position(starts[i])[0])
        found = _header_path(doc, header_line) if header_line.kind == "header" else None
        if found is not None:
            path, section_start = found, header_line.start
            break
        i -= 1
    j = bisect_right(starts, doc.offset(line_no, len(doc.line_text(line_no))))
    section_end = len(doc.text)
    while j < len(starts):
        header_line = read_line(doc, doc.position(starts[j])[0])
        if header_line.kind == "header" and _header_path(doc, header_line) is not None:
            section_end = header_line.start
            break
        j += 1
    return path, section_start, section_end


def declared_tables(doc: Document, skip_line: int | None = None) -> set[Path]:
    """Tables the document declares with a `[header]` (array indices dropped)."""
    return {path for line_no, path in view(doc).headers() if line_no != skip_line}


def _declared(doc: Document) -> list[tuple[int, Path]]:
    """(line, table path) of each `[header]` line the document declares a table with."""
    out: list[tuple[int, Path]] = []
    for start in view(doc).header_starts():
        line_no = doc.position(start)[0]
        line = read_line(doc, line_no)
        if line.kind == "header" and _header_path(doc, line) is not None:
            out.append((line_no, tuple(s.name for s in line.segments)))
    return out


@functools.lru_cache(maxsize=64)
def _names_regex(names: tuple[str, ...]) -> re.Pattern[str]:
    """A line break, then one of ``names`` (bare or quoted) followed by `=` or `.`.

    Starting with a literal "\n" (rather than ``^`` in MULTILINE mode) lets the regex engine
    skip straight from line break to line break: five times faster on a big section.
    """
    alternatives = "|".join(
        f"{re.escape(n)}|\"{re.escape(n)}\"|'{re.escape(n)}'" for n in sorted(names, key=len, reverse=True)
    )
    return re.compile(rf"\n[ \t]*({alternatives})[ \t]*[.=]")


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
    regex = _names_regex(candidates)
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
    return _LINE_KEY.search(doc.text, start, max(start, end)) is not None


# -- hover targets ---------------------------------------------------------------------------


def _strip_indices(path: Path) -> Path:
    while path and isinstance(path[-1], int):
        path = path[:-1]
    return path


def _innermost(doc: Document, offset: int) -> tuple[int, int, str, Path] | None:
    starts, spans = view(doc).spans()
    i = bisect_right(starts, offset) - 1
    while i >= 0:
        start, end = spans[i][0], spans[i][1]
        if start <= offset < end or (offset == end and start < end):
            return spans[i]
        i -= 1
    return None


def _descend(doc: Document, node: Node, offset: int) -> Target | None:
    """Inside an inline table or array value: the nested key or value under the cursor."""
    for child in doc.children(node.path):
        if child.key is not None and child.key.start <= offset <= child.key.end:
            return Target("key", child.path, child.key)
        if child.value is not None and child.value.start <= offset <= child.value.end:
            if child.kind in ("inline-table", "array"):
                inner = _descend(doc, child, offset)
                if inner is not None:
                    return inner
            return Target("value", child.path, child.value)
    return None


def target_at(doc: Document, offset: int) -> Target | None:
    """The key, header segment or value at ``offset`` (``None`` on blanks and comments)."""
    line_no = doc.position(offset)[0]
    line = read_line(doc, line_no)
    if line.comment is not None and offset > line.comment:
        return None
    if line.kind == "blank":
        return None
    if line.kind == "header":
        if doc.syntax_errors or _header_path(doc, line) is not None:
            names: list[str] = []
            for seg in line.segments:
                names.append(seg.name)
                if seg.span.start <= offset <= seg.span.end:
                    return Target("header", tuple(names), seg.span)
            return None
    elif line.kind == "key":
        found = _key_line_target(doc, line, offset)
        if found is not None:
            return found[0]
    return _span_target(doc, offset)


def _key_line_target(doc: Document, line: Line, offset: int) -> tuple[Target | None] | None:
    """Hover target on a `key = value` line; ``None`` when the line is not a real statement."""
    table = enclosing_table(doc, offset)[0]
    path: Path = (*table, *(s.name for s in line.segments))
    node = doc.node(path)
    if node is not None and node.key is not None and not line.start <= node.key.start <= line.end:
        node = None
    if node is None and not doc.syntax_errors:
        return None  # e.g. a line of a multi-line string that looks like a key
    partial = table
    for seg in line.segments:
        partial = (*partial, seg.name)
        if seg.span.start <= offset <= seg.span.end:
            return (Target("key", partial, seg.span),)
    if line.eq is None or offset <= line.eq:
        return (None,)
    if node is not None and node.value is not None:
        if not node.value.start <= offset <= node.value.end:
            return (None,) if offset < node.value.start else None
        if node.kind in ("inline-table", "array"):
            inner = _descend(doc, node, offset)
            if inner is not None:
                return (inner,)
        return (Target("value", path, node.value),)
    # A line the core blanked to recover: take the raw text after `=` as the value.
    end = line.comment if line.comment is not None else line.end
    raw = doc.text[line.eq + 1 : end]
    lead = len(raw) - len(raw.lstrip())
    value = raw.strip()
    span = Span(line.eq + 1 + lead, line.eq + 1 + lead + len(value))
    if value and span.start <= offset <= span.end:
        return (Target("value", path, span),)
    return (None,)


def _span_target(doc: Document, offset: int) -> Target | None:
    found = _innermost(doc, offset)
    if found is None:
        return None
    start, end, kind, path = found
    if kind == "header":
        return Target("header", _strip_indices(path), Span(start, end))
    return Target("key" if kind == "key" else "value", path, Span(start, end))


def value_at(data: Any, path: Path) -> tuple[bool, Any]:
    """(found, value) of ``path`` in parsed config data."""
    node = data
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or not -len(node) <= part < len(node):
                return False, None
            node = node[part]
        else:
            if not isinstance(node, dict) or part not in node:
                return False, None
            node = node[part]
    return True, node


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
    if typed and not re.fullmatch(r"[A-Za-z0-9_+.:-]*", typed):
        return None  # arrays, inline tables, values followed by more text
    end = re.match(r"[A-Za-z0-9_+.:-]*", rest)
    return value_start, col + (end.end() if end else 0)


def context_at(doc: Document, offset: int) -> Context:
    """What is being typed at ``offset``: a header, a key or a value (or nothing)."""
    line_no, _ = doc.position(offset)
    line = read_line(doc, line_no)
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
        start, end = _word_around(text, col, _HEADER_WORD_CHARS)
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
    found, section_start, section_end = enclosing_table(doc, offset)
    table = _strip_indices(found)
    if line.kind == "key" and line.eq is not None and offset > line.eq:
        path = (*table, *(s.name for s in line.segments))
        value_start = _ws_end(text, line.eq - line.start + 1)
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
    start, end = _word_around(text, col, _WORD_CHARS)
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
