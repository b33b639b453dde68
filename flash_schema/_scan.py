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

Path = tuple[str | int, ...]

# One node as plain ints (cheap to build for every key in a big file; document.py turns it
# into a Node only when asked): kind, key start/end, value start/end, header start/end.
# -1 marks an absent span.
Rec = tuple[str, int, int, int, int, int, int]

# Whitespace, newlines and comments between statements and inside arrays.  Inline tables
# use it too: valid TOML 1.0 has no newline there, and skipping them keeps the scanner
# tolerant of TOML 1.1 multi-line inline tables while recovering.
# These patterns can match the empty string, so their match() never returns None.
_Matcher = Callable[[str, int], re.Match[str]]
_skip = cast(_Matcher, re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*").match)
_ws = cast(_Matcher, re.compile(r"[ \t]*").match)
_tail = cast(_Matcher, re.compile(r"[ \t]*(?:#[^\n]*)?").match)
_rest_of_line = cast(_Matcher, re.compile(r"[^\n]*").match)
_DOT = re.compile(r"[ \t]*\.[ \t]*")
_EQ = re.compile(r"[ \t]*=[ \t]*")

# String regexes accept a missing closing quote (up to the end of the line, or of the text
# for multi-line strings) so that broken text still splits into the right statements.
_BASIC = re.compile(r'"[^"\\\n]*(?:\\[^\n]?[^"\\\n]*)*"?')
_LITERAL = re.compile(r"'[^'\n]*'?")
# A multi-line string ends at the first unescaped `"""`; up to two more quotes right after
# it still belong to the string (`""""` is a quote followed by the delimiter).
_ML_BASIC = re.compile(r'"""[^"\\]*(?:(?:\\[\s\S]?|"(?!""))[^"\\]*)*(?:""""{0,2}|\Z)')
_ML_LITERAL = re.compile(r"'''[^']*(?:'(?!'')[^']*)*(?:''''{0,2}|\Z)")
_KEY_PART = re.compile(r"""[A-Za-z0-9_-]+|"[^"\\\n]*(?:\\[^\n]?[^"\\\n]*)*"?|'[^'\n]*'?""")

# The only scalar that contains a space is a date-time written with a space separator.
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})?)?"
)
# Every other scalar (numbers, inf/nan, booleans, times, dates without the space form) is a
# run of these characters, and in valid TOML none of them can follow a scalar directly.
_TOKEN = re.compile(r"[A-Za-z0-9_+.:-]+")
# Characters a broken scalar must not swallow, so containers and lines still end properly.
_STRUCTURAL = frozenset("[]{},#\n")

# Fast path for the line that dominates real configs: `bare_key = "simple" | 'lit' | scalar`
# with an optional comment.  The lookahead makes it fall back to the general path for
# anything else (date-times with a space, escapes, multi-line strings, ...).
_SIMPLE = re.compile(
    r"""([A-Za-z0-9_-]+)[ \t]*=[ \t]*("[^"\\\n]*"|'[^'\n]*'|[A-Za-z0-9_+.:-]+)"""
    r"[ \t]*(?:#[^\n]*)?(?=\n|\r\n|\Z)"
)

_BRACKET_OR_STRING = re.compile(r"""[\[\]{}"'#]""")


class Scan(NamedTuple):
    records: dict[Path, Rec]  # in document order
    starts: list[int]  # offset where each statement begins (its first non-blank character)
    ends: list[int]  # offset just after each statement's last character (before comments)


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


def _key(src: str, pos: int) -> tuple[int, list[tuple[str, int, int]]]:
    """Parse a (dotted) key; return the end and (name, start, end) for each segment."""
    segments: list[tuple[str, int, int]] = []
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
    """End of the key (or of the header) of the statement starting at pos."""
    if src.startswith("[", pos):
        end = src.find("]", pos)
        line_end = src.find("\n", pos)
        if end < 0 or 0 <= line_end < end:
            return pos + 1
        return end + 2 if src.startswith("]]", end) else end + 1
    return _key(src, pos)[0]


def _define(table: Path, segments: list[tuple[str, int, int]], out: dict[Path, Rec]) -> Path:
    """Record implicit tables for all but the last segment; return the full key path."""
    path = table
    for name, ks, ke in segments[:-1]:
        path = (*path, name)
        if path not in out:
            out[path] = ("implicit", ks, ke, -1, -1, -1, -1)
    return (*path, segments[-1][0])


def _scalar_end(src: str, pos: int) -> int:
    char = src[pos : pos + 1]
    if char == '"':
        m = (_ML_BASIC if src.startswith('"""', pos) else _BASIC).match(src, pos)
    elif char == "'":
        m = (_ML_LITERAL if src.startswith("'''", pos) else _LITERAL).match(src, pos)
    else:
        m = _DATETIME.match(src, pos) or _TOKEN.match(src, pos)
    if m is None:
        # Broken text only: take one junk character so the caller always advances, unless
        # it is one that ends a container or a line.
        return pos if not char or char in _STRUCTURAL else pos + 1
    return m.end()


def _value(src: str, pos: int, path: Path, ks: int, ke: int, *, out: dict[Path, Rec]) -> int:
    """Record the value at pos (and everything nested in it); return its end.

    Nested arrays and inline tables use an explicit stack so that deeply nested input cannot
    exhaust Python's recursion limit.
    """
    n = len(src)
    skip = _skip
    stack: list[_Frame] = []
    while True:
        # 1. One value starts at pos.
        char = src[pos : pos + 1]
        if char in {"[", "{"}:
            frame = _Frame(char == "{", path, pos, ks, ke)
            # Placeholder now, so that the container precedes its children in document
            # order; the real end is filled in when it closes.
            out[path] = frame.record(pos + 1)
            stack.append(frame)
            pos += 1
        else:
            end = _scalar_end(src, pos)
            out[path] = ("value", ks, ke, pos, end, -1, -1)
            pos = end
            if not stack:
                return pos
        # 2. Close finished containers until the next value to read is found.
        while True:
            frame = stack[-1]
            pos = skip(src, pos).end()
            if pos < n and src[pos] == ",":
                pos = skip(src, pos + 1).end()
            if pos >= n:
                for open_frame in stack:
                    out[open_frame.path] = open_frame.record(n)
                return n
            char = src[pos]
            if char == ("}" if frame.is_table else "]"):
                pos += 1
                out[frame.path] = frame.record(pos)
                stack.pop()
                if not stack:
                    return pos
                continue
            if frame.is_table:
                after_key, segments = _key(src, pos)
                if segments:
                    path = _define(frame.path, segments, out)
                    ks, ke = segments[-1][1], segments[-1][2]
                    eq = _EQ.match(src, after_key)
                    pos = eq.end() if eq else after_key
                    break
            elif char not in "},":
                path = (*frame.path, frame.count)
                frame.count += 1
                ks = ke = -1
                break
            # Broken text only: a character that can start nothing here.
            pos += 1


def _header(src: str, pos: int, out: dict[Path, Rec], aot: dict[Path, int]) -> tuple[int, Path]:
    """Record a `[table]` or `[[array.table]]` header at pos; return its end and path."""
    start = pos
    is_array = src.startswith("[[", pos)
    pos, segments = _key(src, _ws(src, pos + (2 if is_array else 1)).end())
    pos = _ws(src, pos).end()
    close = "]]" if is_array else "]"
    if src.startswith(close, pos):
        pos += len(close)
    if not segments:
        return pos, ()
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
        out[path] = ("array-table", ks, ke, -1, -1, start, pos)
    else:
        # `[a]` may follow `[a.b]`, which created `a` implicitly: the header becomes its
        # node, moved to the end so records stay in document order.
        out.pop(path, None)
        out[path] = ("table", ks, ke, -1, -1, start, pos)
    return pos, path


def scan(src: str) -> Scan:
    """Scan src statement by statement and record every node."""
    out: dict[Path, Rec] = {}
    starts: list[int] = []
    ends: list[int] = []
    aot: dict[Path, int] = {}
    table: Path = ()
    n = len(src)
    skip = _skip
    simple = _SIMPLE.match
    pos = 0
    while True:
        pos = skip(src, pos).end()
        if pos >= n:
            break
        starts.append(pos)
        m = simple(src, pos)
        if m is not None:
            ks, ke = m.span(1)
            vs, pos = m.span(2)
            out[(*table, m.group(1))] = ("value", ks, ke, vs, pos, -1, -1)
            ends.append(pos)
            continue
        if src[pos] == "[":
            pos, table = _header(src, pos, out, aot)
        else:
            after_key, segments = _key(src, pos)
            if segments:
                path = _define(table, segments, out)
                eq = _EQ.match(src, after_key)
                pos = (
                    _value(src, eq.end(), path, segments[-1][1], segments[-1][2], out=out)
                    if eq
                    else after_key
                )
        ends.append(pos)
        pos = _tail(src, pos).end()
        if pos < n and src[pos] != "\n":
            # Broken text only: drop the rest of the line (always at least one character,
            # since the skip above stopped at a non-blank one).
            pos = _rest_of_line(src, pos).end()
            ends[-1] = max(ends[-1], pos)
    return Scan(out, starts, ends)


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
