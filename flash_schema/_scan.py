"""Span scanner that finds where each key, table and value sits in TOML text tomllib accepted."""

# Why this is hand-written rather than tree-sitter-toml: see the comment at the top of
# document.py.  In short, tomllib decides validity and values; this module only locates
# things, so it assumes valid TOML 1.0 and stays small.  It is still *tolerant*: it never
# raises, never loops without consuming input and never recurses, because document.py also
# runs it over broken text to find statement boundaries while recovering from errors.

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple, cast

from flash_schema.document import Path

# One node as plain ints (cheap to build for every key in a big file; document.py turns it
# into a Node only when asked): kind, key start/end, value start/end, header start/end.
# -1 marks an absent span.
Rec = tuple[str, int, int, int, int, int, int]

# Patterns that can match the empty string: their match() never returns None.
_Matcher = Callable[[str, int], re.Match[str]]
_ws = cast(_Matcher, re.compile(r"[ \t]*").match)
_tail = cast(_Matcher, re.compile(r"[ \t]*(?:#[^\n]*)?").match)
_rest_of_line = cast(_Matcher, re.compile(r"[^\n]*").match)
_DOT = re.compile(r"[ \t]*\.[ \t]*")
_EQ = re.compile(r"[ \t]*=[ \t]*")

_BARE = r"[A-Za-z0-9_-]+"
# String patterns accept a missing closing quote (up to the end of the line, or of the text
# for multi-line strings) so that broken text still splits into the right statements.  A
# multi-line string ends at the first unescaped `"""`; up to two more quotes right after it
# still belong to the string (`""""` is a quote followed by the delimiter).
_BASIC = r'"[^"\\\n]*+(?:\\[^\n]?[^"\\\n]*+)*+"?'
_LITERAL = r"'[^'\n]*+'?"
_ML_BASIC = r'"""[^"\\]*+(?:(?:\\[\s\S]?|"(?!""))[^"\\]*+)*+(?:"""(?:""?)?|\Z)'
_ML_LITERAL = r"'{3}[^']*+(?:'(?!'')[^']*+)*+(?:'{3}(?:''?)?|\Z)"
_STRING = f"{_ML_BASIC}|{_BASIC}|{_ML_LITERAL}|{_LITERAL}"
# The only scalar with a space in it is a date-time written with a space separator.  Every
# other scalar (numbers, inf/nan, booleans, dates, times) is a run of _SCALAR characters,
# and in valid TOML none of those can directly follow a scalar.
_DATETIME = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})?)?"
)
_SCALAR = r"[A-Za-z0-9_+.:-]++"
_KEY = rf"""(?:{_BARE}|"[^"\\\n]*+(?:\\[^\n][^"\\\n]*+)*+"|'[^'\n]*+')"""

_KEY_PART = re.compile(f"{_BARE}|{_BASIC}|{_LITERAL}")
_BARE_KEY = re.compile(_BARE)
_SCALAR_VALUE = re.compile(f"{_STRING}|{_DATETIME}|{_SCALAR}")

# Blanks and comments, then the statement if it is one of the kinds that dominate real
# configs: `bare_key = "simple" | 'literal' | scalar` (groups 1 and 2), `bare_key = ` before
# any other value (group 1 alone), or a `[bare.dotted]` / `[[bare.dotted]]` header (groups 3
# to 5), each with an optional comment.  One finditer over this handles runs of such lines
# with little Python per line; the lookaheads leave everything else to the general path.
# Possessive quantifiers stop failed attempts from backtracking through runs of blanks.
_STATEMENT = re.compile(
    r"(?:[ \t\r\n]++|#[^\n]*+)*+"
    rf"(?:({_BARE})[ \t]*+=[ \t]*+"
    rf"""(?:("[^"\\\n]*+"|'[^'\n]*+'|{_SCALAR})[ \t]*+(?:#[^\n]*+)?(?=\r?\n|\Z))?"""
    rf"|(\[\[?)[ \t]*+({_BARE}(?:\.{_BARE})*+)[ \t]*+(\]\]?)[ \t]*+(?:#[^\n]*+)?(?=\r?\n|\Z))?"
)

# One token inside a value, after separators (blanks, newlines, comments and commas, which in
# valid TOML only separate): group 1 an opening bracket, 2 a closing one, 3 a scalar, 4 an
# inline-table key with its `=`.  A scalar never comes before `=` or `.`, which is how keys
# (that can look like scalars) are told apart without trying them first; the scalar group is
# atomic so that a tolerant string cannot give back its closing quote to pass that test.
# Groups 5 (junk) and 6 (end) make the pattern match at every position, so finditer never
# silently skips text (or rescans blanks again and again) on broken input.
_VALUE_TOKEN = re.compile(
    r"(?:[ \t\r\n,]++|#[^\n]*+)*+"
    r"(?:([\[{])"
    r"|([\]}])"
    rf"|((?>{_STRING}|{_DATETIME}|{_SCALAR})(?![ \t]*+[=.]))"
    rf"|({_KEY}(?:[ \t]*+\.[ \t]*+{_KEY})*+)[ \t]*+=[ \t]*+"
    r"|([\s\S])"
    r"|(\Z))"
)
_OPEN, _CLOSE, _SCALAR_TOKEN, _KEY_TOKEN, _JUNK, _END = range(1, 7)

_BRACKET_OR_STRING = re.compile(r"""[\[\]{}"'#]""")

Segments = list[tuple[str, int, int]]  # (name, start, end) of each part of a dotted key


class Scan(NamedTuple):
    records: dict[Path, Rec]  # in document order
    starts: list[int]  # offset where each statement begins (its first non-blank character)
    ends: list[int]  # offset just after each statement's last character (before comments)
    stopped: int  # where scanning stopped: a statement start, or len(src)


class _Frame:
    """An open array or inline table while scanning a value."""

    __slots__ = ("count", "is_table", "key_end", "key_start", "path", "start")

    def __init__(self, is_table: bool, path: Path, start: int, ks: int, ke: int) -> None:
        self.is_table = is_table
        self.path = path
        self.start = start
        self.key_start = ks
        self.key_end = ke
        self.count = 0

    def record(self, end: int) -> Rec:
        kind = "inline-table" if self.is_table else "array"
        return (kind, self.key_start, self.key_end, self.start, end, -1, -1)


@lru_cache(maxsize=1024)
def decode_key(raw: str) -> str:
    """Return the key name a bare or quoted key segment stands for."""
    if raw[0] == "'":
        return raw[1:-1] if len(raw) > 1 and raw[-1] == "'" else raw[1:]
    if raw[0] != '"':
        return raw
    if "\\" not in raw:
        return raw[1:-1] if len(raw) > 1 and raw[-1] == '"' else raw[1:]
    # Escapes: let tomllib decode them so the result is exactly what Flash sees.
    try:
        value = tomllib.loads("k = " + raw)["k"]
    except tomllib.TOMLDecodeError:
        return raw[1:-1]
    return value if isinstance(value, str) else raw[1:-1]


def _key(src: str, pos: int) -> tuple[int, Segments]:
    """Parse a (dotted) key at pos; return its end and its segments."""
    segments: Segments = []
    while True:
        m = _KEY_PART.match(src, pos)
        if m is None:
            return pos, segments
        start, pos = m.span()
        segments.append((decode_key(m.group()), start, pos))
        dot = _DOT.match(src, pos)
        if dot is None:
            return pos, segments
        pos = dot.end()


def key_end(src: str, pos: int) -> int:
    """End of the key (or of the whole header) of the statement starting at pos."""
    if src.startswith("[", pos):
        return _header(src, pos)[0]
    return _key(src, pos)[0]


def _define(table: Path, segments: Segments, out: dict[Path, Rec]) -> Path:
    """Record implicit tables for all but the last segment; return the full key path."""
    path = table
    for name, ks, ke in segments[:-1]:
        path = (*path, name)
        if path not in out:
            out[path] = ("implicit", ks, ke, -1, -1, -1, -1)
    return (*path, segments[-1][0])


def _value(src: str, pos: int, path: Path, ks: int, ke: int, *, out: dict[Path, Rec]) -> int:
    """Record the value at pos (and everything nested in it) under path; return its end.

    A flat loop over tokens with an explicit stack of open arrays and inline tables, so
    deeply nested input cannot exhaust Python's recursion limit.
    """
    stack: list[_Frame] = []
    expecting = True  # the next value belongs to (path, ks, ke), not to an open array
    for m in _VALUE_TOKEN.finditer(src, pos):
        kind = m.lastindex or _END  # never None: one alternative always matches
        start, end = m.span(kind)
        if not stack and start != pos:
            break  # valid TOML has the value right after `=`: it is missing
        if kind <= _SCALAR_TOKEN and kind != _CLOSE:
            if expecting:
                expecting = False
            elif stack and not stack[-1].is_table:
                frame = stack[-1]
                path = (*frame.path, frame.count)
                frame.count += 1
                ks = ke = -1
            else:
                continue  # broken text: a value without a key in an inline table
            if kind == _SCALAR_TOKEN:
                out[path] = ("value", ks, ke, start, end, -1, -1)
                if not stack:
                    return end
            else:
                frame = _Frame(src[start] == "{", path, start, ks, ke)
                # A placeholder now keeps the container before its children in document
                # order; its real end is filled in when it closes.
                out[path] = frame.record(end)
                stack.append(frame)
        elif kind == _CLOSE:
            if not stack:
                break
            frame = stack.pop()
            out[frame.path] = frame.record(end)
            expecting = False
            if not stack:
                return end
        elif kind == _KEY_TOKEN:
            if stack and stack[-1].is_table:
                frame = stack[-1]
                key = m.group(kind)
                if _BARE_KEY.fullmatch(key):
                    segments: Segments = [(key, start, end)]
                else:
                    segments = _key(src, start)[1]
                path = _define(frame.path, segments, out)
                ks, ke = segments[-1][1], segments[-1][2]
                expecting = True
        elif kind == _END:
            break
        # junk (broken text only) is skipped
    if not stack:
        out[path] = ("value", ks, ke, pos, pos, -1, -1)
        return pos
    n = len(src)
    for frame in stack:
        out[frame.path] = frame.record(n)
    return n


def _header(src: str, pos: int) -> tuple[int, bool, Segments]:
    """Parse the header at pos: its end, whether it is `[[...]]`, its key segments."""
    is_array = src.startswith("[[", pos)
    pos, segments = _key(src, _ws(src, pos + (2 if is_array else 1)).end())
    pos = _ws(src, pos).end()
    close = "]]" if is_array else "]"
    if src.startswith(close, pos):
        pos += len(close)
    return pos, is_array, segments


def _table(
    segments: Segments,
    is_array: bool,
    header: tuple[int, int],
    out: dict[Path, Rec],
    aot: dict[Path, int],
) -> Path:
    """Record the table a header opens (and its implicit parents); return its path."""
    if not segments:  # broken text only
        return ()
    path: Path = ()
    for name, ks, ke in segments[:-1]:
        path = (*path, name)
        if path not in out:
            out[path] = ("implicit", ks, ke, -1, -1, -1, -1)
        count = aot.get(path)
        if count:  # a name that is an array of tables means its latest element
            path = (*path, count - 1)
    name, ks, ke = segments[-1]
    path = (*path, name)
    if is_array:
        count = aot.get(path, 0)
        if not count:
            out[path] = ("array", ks, ke, -1, -1, -1, -1)
        aot[path] = count + 1
        path = (*path, count)
        out[path] = ("array-table", ks, ke, -1, -1, *header)
    else:
        # `[a]` may follow `[a.b]`, which created `a` implicitly: the header becomes its
        # node, moved to the end so records stay in document order.
        out.pop(path, None)
        out[path] = ("table", ks, ke, -1, -1, *header)
    return path


def scan(src: str, start: int = 0, *, stop: int | None = None, until_header: bool = False) -> Scan:
    """Record every node of src, statement by statement from start.

    Scanning ends before the first statement that starts after stop or, with until_header,
    before the first header; Scan.stopped says where (len(src) when it reached the end).
    """
    out: dict[Path, Rec] = {}
    starts: list[int] = []
    ends: list[int] = []
    aot: dict[Path, int] = {}
    table: Path = ()
    n = len(src)
    limit = n if stop is None else stop
    header_limit = -1 if until_header else limit
    statements = _STATEMENT.finditer
    pos = start
    while True:
        for m in statements(src, pos):
            ks, ke = m.span(1)
            if ks >= 0:
                if ks > limit:
                    return Scan(out, starts, ends, ks)
                vs, ve = m.span(2)
                if vs >= 0:
                    out[(*table, src[ks:ke])] = ("value", ks, ke, vs, ve, -1, -1)
                    starts.append(ks)
                    ends.append(ve)
                    continue
                starts.append(ks)
                pos = _value(src, m.end(), (*table, src[ks:ke]), ks, ke, out=out)
                break
            hs, he = m.span(3)
            if hs >= 0:
                if hs > header_limit:
                    return Scan(out, starts, ends, hs)
                base = m.start(4)
                segments: Segments = []
                for name in m.group(4).split("."):
                    segments.append((name, base, base + len(name)))
                    base += len(name) + 1
                he = m.end(5)
                table = _table(segments, m.group(3) == "[[", (hs, he), out, aot)
                starts.append(hs)
                ends.append(he)
                continue
            # Anything else starts here (or the text ends here).
            pos = m.end()
            if pos >= n or pos > (header_limit if src[pos] == "[" else limit):
                return Scan(out, starts, ends, min(pos, n))
            starts.append(pos)
            if src[pos] == "[":
                hs = pos
                pos, is_array, segments = _header(src, pos)
                table = _table(segments, is_array, (hs, pos), out, aot)
            else:
                after_key, segments = _key(src, pos)
                if segments:
                    path = _define(table, segments, out)
                    ks, ke = segments[-1][1], segments[-1][2]
                    eq = _EQ.match(src, after_key)
                    pos = _value(src, eq.end(), path, ks, ke, out=out) if eq else after_key
            break
        else:  # pragma: no cover - the pattern always matches (emptily) at the end
            return Scan(out, starts, ends, n)
        ends.append(pos)
        pos = _tail(src, pos).end()
        if pos < n and src[pos] != "\n":
            # Broken text only: drop the rest of the line (at least one character, since
            # the statement started at a non-blank one).
            pos = _rest_of_line(src, pos).end()
            ends[-1] = max(ends[-1], pos)


def _scalar_end(src: str, pos: int) -> int:
    m = _SCALAR_VALUE.match(src, pos)
    return pos + 1 if m is None else m.end()


def open_brackets(src: str, start: int, stop: int) -> list[str]:
    """Return the `[` / `{` still open at stop when reading src from start (strings skipped)."""
    stack: list[str] = []
    pos = start
    while True:
        m = _BRACKET_OR_STRING.search(src, pos, stop)
        if m is None:
            return stack
        char = m.group()
        pos = m.end()
        if char in "[{":
            stack.append(char)
        elif char in "]}":
            if stack:
                stack.pop()
        elif char == "#":
            line_end = src.find("\n", pos, stop)
            pos = stop if line_end < 0 else line_end
        else:
            pos = _scalar_end(src, m.start())
