"""Span scanner: finds where each key, table and value sits in TOML text tomllib accepted."""

# Why this is hand-written rather than tree-sitter-toml: see the comment at the top of
# document.py.  In short, tomllib decides validity and values; this module only locates
# things, so it assumes valid TOML 1.0 and stays small.  It is still *tolerant*: it never
# raises, never loops without consuming input and never recurses, because syntax recovery
# (_recovery.py) also runs it over broken text to find statement boundaries.  What a key, a
# string or a value token looks like is flash_schema.lexer's business.

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple, cast

from flash_schema import lexer
from flash_schema.lexer import (
    CLOSE,
    END,
    KEY_TOKEN,
    SCALAR_TOKEN,
    VALUE_TOKEN,
    Segments,
    is_bare_key,
    read_equals,
    read_header,
    read_key,
)
from flash_schema.spans import Path

# One node as plain ints (cheap to build for every key in a big file; document.py turns it
# into a Node only when asked): kind, key start/end, value start/end, header start/end.
# -1 marks an absent span.
Rec = tuple[str, int, int, int, int, int, int]

# Patterns that can match the empty string: their match() never returns None.
_Matcher = Callable[[str, int], re.Match[str]]
_tail = cast(_Matcher, lexer.TAIL.match)
_rest_of_line = cast(_Matcher, lexer.REST_OF_LINE.match)


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
    for m in VALUE_TOKEN.finditer(src, pos):
        kind = m.lastindex or END  # never None: one alternative always matches
        start, end = m.span(kind)
        if not stack and start != pos:
            break  # valid TOML has the value right after `=`: it is missing
        if kind <= SCALAR_TOKEN and kind != CLOSE:
            if expecting:
                expecting = False
            elif stack and not stack[-1].is_table:
                frame = stack[-1]
                path = (*frame.path, frame.count)
                frame.count += 1
                ks = ke = -1
            else:
                continue  # broken text: a value without a key in an inline table
            if kind == SCALAR_TOKEN:
                out[path] = ("value", ks, ke, start, end, -1, -1)
                if not stack:
                    return end
            else:
                frame = _Frame(src[start] == "{", path, start, ks, ke)
                # A placeholder now keeps the container before its children in document
                # order; its real end is filled in when it closes.
                out[path] = frame.record(end)
                stack.append(frame)
        elif kind == CLOSE:
            if not stack:
                break
            frame = stack.pop()
            out[frame.path] = frame.record(end)
            expecting = False
            if not stack:
                return end
        elif kind == KEY_TOKEN:
            if stack and stack[-1].is_table:
                frame = stack[-1]
                key = m.group(kind)
                if is_bare_key(key):
                    segments: Segments = [(key, start, end)]
                else:
                    segments = read_key(src, start)[1]
                path = _define(frame.path, segments, out)
                ks, ke = segments[-1][1], segments[-1][2]
                expecting = True
        elif kind == END:
            break
        # junk (broken text only) is skipped
    if not stack:
        out[path] = ("value", ks, ke, pos, pos, -1, -1)
        return pos
    n = len(src)
    for frame in stack:
        out[frame.path] = frame.record(n)
    return n


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
    statements = lexer.STATEMENT.finditer
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
                pos, is_array, segments, _ = read_header(src, pos)
                table = _table(segments, is_array, (hs, pos), out, aot)
            else:
                after_key, segments = read_key(src, pos)
                if segments:
                    path = _define(table, segments, out)
                    ks, ke = segments[-1][1], segments[-1][2]
                    value = read_equals(src, after_key)
                    pos = after_key if value is None else _value(src, value, path, ks, ke, out=out)
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
