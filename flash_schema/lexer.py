"""TOML's token rules, in one place: keys, strings, scalars, comments, headers, and lines read on their own.

Every other module that needs to know what a key, a string or a comment looks like asks this one:
the span scanner (``_scan``), syntax recovery (``_recovery``), ``Document``'s cursor queries and the
language server's completion.  The functions are small and pure, in tomli's style: they take the
text and a position (and, for the line reader, where the line ends) and return where the token
ends with what it holds.

They are *tolerant*: a string may lack its closing quote, a header its ``]``.  Valid text reads as
TOML 1.0 says; broken or half-typed text still splits into the tokens a user meant, and nothing
here raises, loops without consuming input or recurses.  Whether text is valid is tomllib's call,
never this module's.
"""

# Why hand-written rather than tree-sitter-toml: see the comment at the top of document.py.

from __future__ import annotations

import functools
import re
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, cast

from flash_schema.spans import Span

_END = sys.maxsize  # "to the end of the text", as re's endpos


def lazy(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A regex compiled on first use (for patterns that only serve broken documents)."""
    return functools.cache(lambda: re.compile(pattern, flags))


# -- the rules -------------------------------------------------------------------------------------

_BARE_CHAR = r"[A-Za-z0-9_-]"
BARE_KEY = _BARE_CHAR + "+"
# String rules accept a missing closing quote (up to the end of the line, or of the text for
# multi-line strings) so that broken text still splits into the right statements.  A multi-line
# string ends at the first unescaped `"""`; up to two more quotes right after it still belong to
# the string (`""""` is a quote followed by the delimiter).
_BASIC_OPEN = r'"[^"\\\n]*+(?:\\[^\n]?[^"\\\n]*+)*+'
_LITERAL_OPEN = r"'[^'\n]*+"
BASIC = _BASIC_OPEN + '"?'
LITERAL = _LITERAL_OPEN + "'?"
_ML_BASIC = r'"""[^"\\]*+(?:(?:\\[\s\S]?|"(?!""))[^"\\]*+)*+(?:"""(?:""?)?|\Z)'
_ML_LITERAL = r"'{3}[^']*+(?:'(?!'')[^']*+)*+(?:'{3}(?:''?)?|\Z)"
STRING = f"{_ML_BASIC}|{BASIC}|{_ML_LITERAL}|{LITERAL}"
#: One key segment, complete: bare, "basic" (escapes allowed) or 'literal'.
KEY = rf"""(?:{BARE_KEY}|{_BASIC_OPEN}"|{_LITERAL_OPEN}')"""
# The only scalar with a space in it is a date-time written with a space separator.  Every other
# scalar (numbers, inf/nan, booleans, dates, times) is a run of SCALAR characters, and in valid
# TOML none of those can directly follow a scalar.
DATETIME = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})?)?"
)
_SCALAR_CHAR = r"[A-Za-z0-9_+.:-]"
SCALAR = _SCALAR_CHAR + "++"

_KEY_SEGMENT = re.compile(f"{BARE_KEY}|{BASIC}|{LITERAL}")  # tolerant: the closing quote may be missing
#: Whether a whole text is a bare key.
is_bare_key = re.compile(BARE_KEY).fullmatch
_STRING = re.compile(STRING)
# Matches the empty string: its match() never returns None.
_blanks = cast(Callable[[str, int, int], re.Match[str]], re.compile(r"[ \t]*").match)
_DOT = re.compile(r"[ \t]*\.[ \t]*")
_EQ = re.compile(r"[ \t]*=[ \t]*")
_QUOTE_OR_HASH = re.compile(r"""["'#]""")
_BRACKET_OR_STRING = re.compile(r"""[\[\]{}"'#]""")

#: The start of a line that begins (after blanks) with `[`: a header, or a line inside an array.
HEADER_LINE = re.compile(r"^[ \t]*\[", re.MULTILINE)
#: The first key segment (group 1) of each `key = ...` / `key.sub = ...` line.
KEY_LINE = re.compile(rf"^[ \t]*({KEY})[ \t]*[.=]", re.MULTILINE)
#: Characters of a key being typed, of a header being typed (dots included), of a scalar.
KEY_CHARS = re.compile(_BARE_CHAR + "*")
HEADER_CHARS = re.compile(r"[A-Za-z0-9_.\-]*")
SCALAR_CHARS = re.compile(_SCALAR_CHAR + "*")

# Rules only syntax recovery uses (compiled when a document is broken).
#: What blanking a line replaces: everything but its line break (where `\r` only counts as part
#: of one before `\n`).
BLANKABLE = lazy(r"[^\r\n]+|\r(?!\n)")
#: A line that opens a new statement: `[header]`, `[[header]]` or `key =` / `dotted.key =`.
STATEMENT_LIKE = lazy(
    rf"[ \t]*(?:\[\[?[ \t]*{KEY}(?:[ \t]*\.[ \t]*{KEY})*[ \t]*\]\]?[ \t]*(?:#|\r?\n|\Z)"
    rf"|{KEY}(?:[ \t]*\.[ \t]*{KEY})*[ \t]*=)"
)
TRAILING_COMMA = lazy(r",[ \t]*\Z")
SHORT_TIME = lazy(r"(?<![0-9:])[0-9]{2}:[0-9]{2}(?![0-9:])")  # 07:32: TOML 1.1 only
BARE_WORD = lazy(r"[A-Za-z_][A-Za-z0-9_./-]*")  # an unquoted word where a value belongs
LONG_INTEGER = lazy(r"[0-9][0-9_]{4300,}")  # more digits than Python's int() takes

# -- the statement scanner's patterns ---------------------------------------------------------------

# Blanks and comments, then the statement if it is one of the kinds that dominate real configs:
# `bare_key = "simple" | 'literal' | scalar` (groups 1 and 2), `bare_key = ` before any other value
# (group 1 alone), or a `[bare.dotted]` / `[[bare.dotted]]` header (groups 3 to 5), each with an
# optional comment.  One finditer over this handles runs of such lines with little Python per
# line; the lookaheads leave everything else to the general path.  Possessive quantifiers stop
# failed attempts from backtracking through runs of blanks.  (The strings here are those without
# escapes: anything else takes the general path.)
STATEMENT = re.compile(
    r"(?:[ \t\r\n]++|#[^\n]*+)*+"
    rf"(?:({BARE_KEY})[ \t]*+=[ \t]*+"
    rf"""(?:("[^"\\\n]*+"|'[^'\n]*+'|{SCALAR})[ \t]*+(?:#[^\n]*+)?(?=\r?\n|\Z))?"""
    rf"|(\[\[?)[ \t]*+({BARE_KEY}(?:\.{BARE_KEY})*+)[ \t]*+(\]\]?)[ \t]*+(?:#[^\n]*+)?(?=\r?\n|\Z))?"
)

# One token inside a value, after separators (blanks, newlines, comments and commas, which in
# valid TOML only separate): group 1 an opening bracket, 2 a closing one, 3 a scalar, 4 an
# inline-table key with its `=`.  A scalar never comes before `=` or `.`, which is how keys (that
# can look like scalars) are told apart without trying them first; the scalar group is atomic so
# that a tolerant string cannot give back its closing quote to pass that test.  Groups 5 (junk)
# and 6 (end) make the pattern match at every position, so finditer never silently skips text
# (or rescans blanks again and again) on broken input.
VALUE_TOKEN = re.compile(
    r"(?:[ \t\r\n,]++|#[^\n]*+)*+"
    r"(?:([\[{])"
    r"|([\]}])"
    rf"|((?>{STRING}|{DATETIME}|{SCALAR})(?![ \t]*+[=.]))"
    rf"|({KEY}(?:[ \t]*+\.[ \t]*+{KEY})*+)[ \t]*+=[ \t]*+"
    r"|([\s\S])"
    r"|(\Z))"
)
OPEN, CLOSE, SCALAR_TOKEN, KEY_TOKEN, JUNK, END = range(1, 7)
#: A value token's trailing blanks and comment, and the rest of a line.
TAIL = re.compile(r"[ \t]*(?:#[^\n]*)?")
REST_OF_LINE = re.compile(r"[^\n]*")

# -- keys ---------------------------------------------------------------------------------------------

Segments = list[tuple[str, int, int]]  # (name, start, end) of each part of a dotted key


@functools.lru_cache(maxsize=1024)
def decode_key(raw: str) -> str:
    """The key name a raw key segment (bare, "basic" or 'literal', closed or not) stands for."""
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


def blank_end(src: str, pos: int, end: int = _END) -> int:
    """The end of the blanks (spaces and tabs) at pos."""
    return _blanks(src, pos, end).end()


def read_key(src: str, pos: int, end: int = _END) -> tuple[int, Segments]:
    """Read a (dotted) key at pos: its end and its segments (none if there is no key)."""
    segments: Segments = []
    while True:
        m = _KEY_SEGMENT.match(src, pos, end)
        if m is None:
            return pos, segments
        start, pos = m.span()
        segments.append((decode_key(m.group()), start, pos))
        dot = _DOT.match(src, pos, end)
        if dot is None:
            return pos, segments
        pos = dot.end()


def read_equals(src: str, pos: int) -> int | None:
    """The end of an `=` (with blanks around it) at pos, if there is one."""
    m = _EQ.match(src, pos)
    return None if m is None else m.end()


def read_header(src: str, pos: int, end: int = _END) -> tuple[int, bool, Segments, bool]:
    """Read the header at pos (a `[`): its end, whether it is `[[...]]`, its key segments, whether closed."""
    is_array = src.startswith("[[", pos, end)
    pos, segments = read_key(src, blank_end(src, pos + (2 if is_array else 1), end), end)
    pos = blank_end(src, pos, end)
    close = "]]" if is_array else "]"
    closed = src.startswith(close, pos, end)
    return (pos + len(close) if closed else pos), is_array, segments, closed


def key_end(src: str, pos: int) -> int:
    """End of the key (or of the whole header) of the statement starting at pos."""
    if src.startswith("[", pos):
        return read_header(src, pos)[0]
    return read_key(src, pos)[0]


def key_line_regex(names: tuple[str, ...]) -> re.Pattern[str]:
    """A line break, then one of ``names`` (bare or quoted) followed by `=` or `.`: group 1 is the key."""
    return _key_line_regex(tuple(sorted(names, key=len, reverse=True)))


@functools.lru_cache(maxsize=64)
def _key_line_regex(names: tuple[str, ...]) -> re.Pattern[str]:
    # Starting with a literal "\n" (rather than `^` in MULTILINE mode) lets the regex engine skip
    # straight from line break to line break: five times faster on a big section.
    alternatives = "|".join(f"{re.escape(n)}|\"{re.escape(n)}\"|'{re.escape(n)}'" for n in names)
    return re.compile(rf"\n[ \t]*({alternatives})[ \t]*[.=]")


# -- strings, comments, brackets ------------------------------------------------------------------------


def string_end(src: str, pos: int, end: int = _END) -> int:
    """The end of the string that starts at pos (a quote); the end of the text when it is unclosed."""
    m = _STRING.match(src, pos, end)
    return pos + 1 if m is None else m.end()


def comment_start(src: str, pos: int, end: int = _END) -> int | None:
    """Where a `#` at or after pos starts a comment (strings skipped); ``None`` when none does."""
    while True:
        m = _QUOTE_OR_HASH.search(src, pos, end)
        if m is None:
            return None
        if m.group() == "#":
            return m.start()
        pos = string_end(src, m.start(), end)  # an unclosed string runs to the end: no comment


def open_brackets(src: str, start: int, stop: int) -> list[str]:
    """The `[` / `{` still open at stop when reading src from start (strings and comments skipped)."""
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
            pos = string_end(src, m.start())


# -- one line on its own --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment of a (dotted) key or header: its decoded name and where it is."""

    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Line:
    """A line read on its own, as it is being typed.

    ``kind`` is "header" (``[a.b`` or ``[[a.b``, closed or not), "key" (a key, with or without
    ``=``), "blank" (only whitespace and/or a comment) or "other" (anything else, e.g. the
    continuation of a multi-line array).
    """

    kind: Literal["header", "key", "blank", "other"]
    start: int  # offset of the line's first character
    end: int  # offset just after its last character (before "\r\n" / "\n")
    segments: tuple[Segment, ...] = ()
    array: bool = False  # `[[header]]`
    closed: bool = False  # the header's `]` (or `]]`) is there
    eq: int | None = None  # offset of the `=` after a key
    comment: int | None = None  # offset of a `#` that starts a comment


def _segments(found: Segments) -> tuple[Segment, ...]:
    return tuple(Segment(name, Span(start, end)) for name, start, end in found)


def read_line(src: str, start: int, end: int) -> Line:
    """Read the line ``src[start:end]`` (without its line break) on its own."""
    pos = blank_end(src, start, end)
    if pos >= end or src[pos] == "#":
        return Line("blank", start, end, comment=pos if pos < end else None)
    if src[pos] == "[":
        after, array, segments, closed = read_header(src, pos, end)
        comment = comment_start(src, after, end)
        return Line("header", start, end, _segments(segments), array=array, closed=closed, comment=comment)
    after, segments = read_key(src, pos, end)
    if not segments:
        return Line("other", start, end)
    eq = blank_end(src, after, end)
    if eq < end and src[eq] == "=":
        return Line("key", start, end, _segments(segments), eq=eq, comment=comment_start(src, eq + 1, end))
    if eq < end and src[eq] != "#":
        return Line("other", start, end)
    return Line("key", start, end, _segments(segments), comment=eq if eq < end else None)
