"""Positioned TOML document: tomllib's data plus the source span of every key, table and value."""

# Why a hand-written span scanner (flash_schema/_scan.py) instead of tree-sitter-toml:
# Flash reads its configs with Python 3.11's tomllib (TOML 1.0), so tomllib alone decides
# whether a file is valid and what its values are, and we use it for exactly that.  The
# scanner only runs over text tomllib has already accepted, so it can stay small: it locates
# keys and values, it never has to judge them.  tree-sitter's TOML grammar differs from
# tomllib at the edges (it accepts TOML 1.1 bits such as multi-line inline tables, `\e`,
# times without seconds), so its tree could describe files Flash rejects; it would also be a
# compiled dependency for something a few regexes do.

from __future__ import annotations

import functools
import re
import tomllib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from itertools import accumulate, count
from typing import TYPE_CHECKING, NamedTuple

from flash_schema.files import MAX_BYTES

if TYPE_CHECKING:
    from flash_schema._scan import Rec

# The scanner is imported inside the functions that scan, on first use: checking a valid config
# needs no spans, and compiling its regexes would cost more than the check itself.
Path = tuple[str | int, ...]


def decode_key(raw: str) -> str:
    """The key a raw TOML key segment (bare, "basic" or 'literal') names."""
    from flash_schema import _scan  # lazy: see `Path` above

    return _scan.decode_key(raw)


def _lazy(pattern: str) -> Callable[[], re.Pattern[str]]:
    """A regex compiled on first use (these only serve broken documents)."""
    return functools.cache(lambda: re.compile(pattern))


__all__ = ["Document", "Node", "Path", "Span", "SyntaxProblem", "decode_key"]


class Span(NamedTuple):
    """Half-open range of code-point offsets into Document.text."""

    start: int
    end: int


class Node(NamedTuple):
    """Where one key, table or value of the document sits in the source.

    kind is "table" (a [a.b] header), "array-table" (one [[a]] element; the path ends with
    its index), "array" (key = [...], or the array a [[a]] header builds, which has no value
    span), "inline-table", "value" (a scalar) or "implicit" (a table that only exists through
    a dotted key or a header's parent).
    """

    path: Path
    kind: str
    key: Span | None  # the last key segment naming the node (first mention); None for elements
    value: Span | None  # value source text (quotes/brackets included); None for tables
    header: Span | None  # whole `[a.b]` / `[[a]]` header for table and array-table nodes


class SyntaxProblem(NamedTuple):
    """A place where the text is not TOML that Flash can read."""

    message: str
    span: Span
    hint: str | None


_MAX_ROUNDS = 25

_TOML_1_0 = "Flash reads TOML 1.0 (Python's tomllib)"
_BOM_MESSAGE = "file starts with a UTF-8 byte-order mark (BOM), which Flash's TOML reader rejects"
_BOM_HINT = "save the file as UTF-8 without a BOM"
_UTF8_MESSAGE = "invalid UTF-8 byte 0x{:02X} in the file; Flash's TOML reader only accepts UTF-8"
_UTF8_HINT = "re-save the file as UTF-8"
_DEEP_MESSAGE = "invalid TOML: nesting is too deep"
_DEEP_HINT = "Flash's TOML reader (Python's tomllib) cannot read arrays or inline tables nested this deep"
_DUPLICATE_HINT = "each key and table may appear only once in a TOML file"
_NAMESPACE_HINT = (
    "each key and table may appear only once in a TOML file; a table written inline ({...}) "
    "or through dotted keys cannot be extended elsewhere"
)
_INLINE_HINT = f"{_TOML_1_0}: inline tables must stay on one line and have no trailing comma"
_ESCAPE_HINTS = {
    "\\e": f"{_TOML_1_0}: the \\e escape is TOML 1.1 only; write \\u001B instead",
    "\\x": f"{_TOML_1_0}: \\xHH escapes are TOML 1.1 only; write \\u00HH instead",
}
_BACKSLASH_HINT = (
    'valid escapes are \\b \\t \\n \\f \\r \\" \\\\ \\uXXXX \\UXXXXXXXX; for text with '
    "backslashes (e.g. Windows paths) use a 'literal string' in single quotes or write \\\\"
)
_STRING_LINE_HINT = (
    "a \"string\" or 'string' must end on the line it starts on; "
    'use triple quotes ("""...""") for text over several lines'
)
_TIME_HINT = f"{_TOML_1_0}: times need seconds (07:32:00, not 07:32)"
_WORD_HINTS = {
    "True": "TOML booleans are lowercase: true",
    "False": "TOML booleans are lowercase: false",
    "None": "TOML has no null value; leave the key out instead",
    "null": "TOML has no null value; leave the key out instead",
}

_ERROR_POSITION = _lazy(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*\Z")
_TOML_BLANK = _lazy(r"[ \t]*")
# Everything on a line except its line break (`\r` only counts as one before `\n`).
_BLANKABLE = _lazy(r"[^\r\n]+|\r(?!\n)")
# Lines that open a new statement: `[header]`, `[[header]]` or `key =` / `dotted.key =`.
_KEY = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
_STATEMENT_LIKE = _lazy(
    rf"[ \t]*(?:\[\[?[ \t]*{_KEY}(?:[ \t]*\.[ \t]*{_KEY})*[ \t]*\]\]?[ \t]*(?:#|\r?\n|\Z)"
    rf"|{_KEY}(?:[ \t]*\.[ \t]*{_KEY})*[ \t]*=)"
)
_TRAILING_COMMA = _lazy(r",[ \t]*\Z")
_SHORT_TIME = _lazy(r"(?<![0-9:])[0-9]{2}:[0-9]{2}(?![0-9:])")
_BARE_WORD = _lazy(r"[A-Za-z_][A-Za-z0-9_./-]*")
_LONG_INTEGER = _lazy(r"[0-9][0-9_]{4300,}")
_ESCAPED_BYTES = _lazy(r"[\udc80-\udcff]+")


def _line_starts(text: str) -> list[int]:
    # C-level iteration only: each line start is the previous one plus len(line) + 1.
    starts = [0, *accumulate(map((1).__add__, map(len, text.split("\n"))))]
    starts.pop()
    return starts


class _Recovery:
    """Parses with tomllib, blanking broken lines until it succeeds, and records problems.

    Blanking replaces characters with spaces but keeps every line break, so offsets into
    the working text are offsets into the original text too.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.work = text
        self.starts = _line_starts(text)
        self.problems: list[SyntaxProblem] = []
        self._lines_with_problem: set[int] = set()

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def line_content(self, line: int) -> tuple[int, int]:
        start = self.starts[line]
        if line + 1 < len(self.starts):
            end = self.starts[line + 1] - 1
            if end > start and self.work[end - 1] == "\r":
                end -= 1
            return start, end
        return start, len(self.work)

    def is_blank(self, line: int) -> bool:
        start, end = self.line_content(line)
        return _TOML_BLANK().fullmatch(self.work, start, end) is not None

    def span_at(self, offset: int) -> Span:
        n = len(self.text)
        if n == 0:
            return Span(0, 0)
        offset = min(max(offset, 0), n - 1)
        return Span(offset, offset + 1)

    def add(self, problem: SyntaxProblem) -> None:
        # Problems found after blanking may be cascades of earlier ones: keep one per line.
        line = self.line_of(problem.span.start)
        if line not in self._lines_with_problem:
            self._lines_with_problem.add(line)
            self.problems.append(problem)

    def blank(self, first: int, last: int) -> bool:
        """Blank lines first..last (inclusive); return whether anything changed."""
        start = self.line_content(first)[0]
        end = self.line_content(last)[1]
        old = self.work[start:end]
        new = _BLANKABLE().sub(lambda m: " " * len(m.group()), old)
        self.work = self.work[:start] + new + self.work[end:]
        return new != old

    def parse(self) -> tuple[dict[str, object], bool]:
        """Return tomllib's data and whether a parse succeeded (else the data is {})."""
        for round_ in count():
            try:
                return tomllib.loads(self.work), True
            except tomllib.TOMLDecodeError as exc:
                message, offset = self._locate(str(exc))
            except RecursionError:
                # Some Python versions' tomllib recurse once per nesting level.
                self.add(SyntaxProblem(_DEEP_MESSAGE, self.span_at(0), _DEEP_HINT))
                return {}, False
            except ValueError as exc:
                # tomllib lets int()'s 4300-digit limit escape as a bare ValueError.
                long_integer = _LONG_INTEGER().search(self.work)
                if long_integer is None:
                    self.add(SyntaxProblem(f"invalid TOML: {exc}", self.span_at(0), None))
                    return {}, False
                message = "integer has more than 4300 digits"
                offset = long_integer.start()
            if not self._fail(message, offset, blank=round_ < _MAX_ROUNDS):
                return {}, False
        raise AssertionError("unreachable")  # pragma: no cover

    def _locate(self, error: str) -> tuple[str, int]:
        """Split tomllib's message into text and an offset (len(work) = end of document)."""
        m = _ERROR_POSITION().search(error)
        if m is None:
            return error, 0
        if m.group(1) is None:
            return error[: m.start()], len(self.work)
        # tomllib counts on text with "\r\n" turned into "\n": same lines, same columns.
        line = int(m.group(1)) - 1
        if line >= len(self.starts):
            return error[: m.start()], len(self.work)
        return error[: m.start()], min(self.starts[line] + int(m.group(2)) - 1, len(self.work))

    def _fail(self, message: str, offset: int, *, blank: bool) -> bool:
        """Record the problem at offset and blank what caused it; return whether to go on."""
        from flash_schema import _scan  # lazy: see `Path` above

        work = self.work
        n = len(work)
        # Tolerant, and right up to the broken statement since tomllib accepted all before it.
        statements = _scan.scan(work, stop=offset)
        i = bisect_right(statements.starts, offset) - 1
        statement = statements.starts[i] if i >= 0 else None
        hint, span = self._hint(message, offset, statement)
        line = self.line_of(min(offset, n - 1)) if n else 0
        first = last = line
        if statement is not None:
            first = self.line_of(statement)
            end_line = self.line_of(max(statement, statements.ends[i] - 1))
            line_start = self.starts[line]
            if hint in {_DUPLICATE_HINT, _NAMESPACE_HINT}:
                # Point at the key or header defined twice rather than past its value.
                span = Span(statement, max(statement + 1, _scan.key_end(work, statement)))
            if hint in {_DUPLICATE_HINT, _NAMESPACE_HINT, _INLINE_HINT}:
                # The whole statement is at fault, however many lines it spans.
                last = max(line, end_line)
            elif offset >= n or self.is_blank(line):
                # Unterminated string, array, ...: blank from where it started.
                pass
            elif (
                first < line and not work[line_start:offset].strip(" \t") and _STATEMENT_LIKE().match(work, line_start)
            ):
                # An unclosed array or inline table swallowed the next statement: drop only
                # the lines of the opener, keeping the statement tomllib stumbled on.
                opened = _scan.open_brackets(work, statement, line_start)
                if opened:
                    what = "array" if opened[-1] == "[" else "inline table"
                    hint = f"the {what} opened on line {first + 1} is never closed"
                last = line - 1
            else:
                # A bad line, possibly inside a multi-line array or string: blanking just it
                # often leaves the rest valid.
                first = line
        self.add(SyntaxProblem(f"invalid TOML: {message}", span, hint))
        if not blank or n == 0:
            return False

        if all(self.is_blank(k) for k in range(first, last + 1)):
            first = last - 1
            while first >= 0 and self.is_blank(first):
                first -= 1
            if first < 0:
                return False
            last = first

        # A broken header: the keys below it have no known table, so drop them too rather
        # than report them in the wrong one.
        starts = statements.starts
        k = bisect_left(starts, self.starts[first])
        if any(work[s] == "[" for s in starts[k : bisect_left(starts, self.line_content(last)[1])]):
            if last + 1 < len(self.starts):
                following = _scan.scan(work, self.starts[last + 1], until_header=True).stopped
                last = self.line_of(following) - 1 if following < n else len(self.starts) - 1
            else:
                last = len(self.starts) - 1
        return self.blank(first, last)

    def _hint(self, message: str, offset: int, statement: int | None) -> tuple[str | None, Span]:
        from flash_schema import _scan  # lazy: see `Path` above

        span = self.span_at(offset)
        work = self.work
        if message.startswith(("Cannot overwrite a value", "Cannot declare", "Duplicate inline")):
            return _DUPLICATE_HINT, span
        if message.startswith(("Cannot mutate immutable namespace", "Cannot redefine namespace")):
            return _NAMESPACE_HINT, span
        if message.startswith("Unescaped '\\'"):
            # tomllib points just past the two-character escape: show the escape itself.
            escape = work[offset - 2 : offset] if offset >= 2 else ""
            if escape.startswith("\\"):
                span = Span(offset - 2, offset)
            return _ESCAPE_HINTS.get(escape, _BACKSLASH_HINT), span
        char = work[offset : offset + 1]
        if statement is not None and work[statement] != "[":
            brackets = _scan.open_brackets(work, statement, offset)
            if (
                brackets
                and brackets[-1] == "{"
                and (
                    char in ("", "\n", "\r", "#") or (char == "}" and _TRAILING_COMMA().search(work, statement, offset))
                )
            ):
                return _INLINE_HINT, span
        if work:
            start, end = self.line_content(self.line_of(min(offset, len(work) - 1)))
            for m in _SHORT_TIME().finditer(work, start, end):
                if m.start() - 1 <= offset <= m.end():
                    return _TIME_HINT, span
        if message in {"Illegal character '\\n'", "Found invalid character '\\n'"}:
            # Only strings reject a newline this way (basic and literal strings).
            return _STRING_LINE_HINT, span
        if message == "Invalid value":
            word = _BARE_WORD().match(work, offset)
            if word is not None:
                text = word.group()
                hint = _WORD_HINTS.get(text, f'text values must be quoted, e.g. "{text}"')
                return hint, span
        return None, span


def _decode_utf8(raw: bytes) -> tuple[str, list[tuple[int, int]]]:
    """Decode like errors="replace"; also return (offset, first byte) of each bad sequence."""
    escaped = raw.decode("utf-8", "surrogateescape")
    pieces: list[str] = []
    bad: list[tuple[int, int]] = []
    length = 0
    last = 0
    for m in _ESCAPED_BYTES().finditer(escaped):
        pieces.append(escaped[last : m.start()])
        length += m.start() - last
        # One run of undecodable bytes can hold several bad sequences; decoding it alone
        # splits it exactly as decoding in context does (its neighbours are whole characters).
        run = m.group().encode("utf-8", "surrogateescape")
        replaced = run.decode("utf-8", "replace")
        bad.append((length, run[0]))
        pieces.append(replaced)
        length += len(replaced)
        last = m.end()
    pieces.append(escaped[last:])
    return "".join(pieces), bad


class Document:
    """A TOML text with tomllib's data, its syntax problems and a node for every key."""

    __slots__ = (
        "_children",
        "_line_starts",
        "_nodes",
        "_records",
        "_scanned",
        "data",
        "recovered",
        "syntax_errors",
        "text",
    )

    text: str  # the original text, unchanged (CRLF and BOM kept)
    # tomllib's result; after syntax errors, that of the text with broken lines blanked,
    # or {} when no such text parsed.
    data: dict[str, object]
    syntax_errors: list[SyntaxProblem]
    # True when there were syntax errors, so data lacks what sat on broken lines (data is
    # {} if even blanking did not give a text tomllib accepts).
    recovered: bool

    def __init__(
        self,
        text: str,
        data: dict[str, object],
        syntax_errors: list[SyntaxProblem],
        scanned: str | None,
    ) -> None:
        """Use from_text() or from_bytes(); scanned is the text tomllib accepted, if any."""
        self.text = text
        self.data = data
        self.syntax_errors = syntax_errors
        # Any syntax problem means data is partial (blanked lines, or {} if nothing parsed).
        self.recovered = bool(syntax_errors)
        self._scanned = scanned
        self._records: dict[Path, Rec] | None = None
        self._nodes: dict[Path, Node] = {}
        self._children: dict[Path, list[Path]] | None = None
        self._line_starts: list[int] | None = None

    @classmethod
    def from_text(cls, text: str) -> Document:
        """Parse text; syntax problems are recorded (and recovered from), never raised."""
        if len(text) > MAX_BYTES:
            # Parsing and checking are linear but slow per item: bound them (the editor's path).
            message = f"file is {len(text) / 2**20:.1f} MiB, over the {MAX_BYTES // 2**20} MiB limit for a config"
            return cls(text, {}, [SyntaxProblem(message, Span(0, 0), "no Flash config comes near it")], None)
        if not text.startswith("\ufeff"):
            try:
                return cls(text, tomllib.loads(text), [], text)
            except (ValueError, RecursionError):  # TOMLDecodeError is a ValueError
                pass
        return cls._build(text, [])

    @classmethod
    def from_bytes(cls, raw: bytes) -> Document:
        """Decode UTF-8 and parse; a BOM or invalid bytes become syntax problems."""
        if len(raw) > MAX_BYTES:
            return cls.from_text(raw.decode("utf-8", "replace"))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text, bad = _decode_utf8(raw)
            return cls._build(text, bad)
        return cls.from_text(text)

    @classmethod
    def _build(cls, text: str, bad_bytes: list[tuple[int, int]]) -> Document:
        recovery = _Recovery(text)
        if text.startswith("\ufeff"):
            recovery.add(SyntaxProblem(_BOM_MESSAGE, Span(0, 1), _BOM_HINT))
            recovery.work = " " + text[1:]
        for offset, byte in bad_bytes:
            message = _UTF8_MESSAGE.format(byte)
            recovery.add(SyntaxProblem(message, Span(offset, offset + 1), _UTF8_HINT))
            line = recovery.line_of(offset)
            recovery.blank(line, line)
        data, parsed = recovery.parse()
        document = cls(text, data, recovery.problems, recovery.work if parsed else None)
        document._line_starts = recovery.starts
        return document

    def __repr__(self) -> str:
        return f"<Document {len(self.text)} chars, {len(self.syntax_errors)} syntax errors>"

    # -- nodes -------------------------------------------------------------------------

    @property
    def _recs(self) -> dict[Path, Rec]:
        from flash_schema import _scan  # lazy: see `Path` above

        # Scanned on first use: checking a valid file whose data passes needs no positions.
        if self._records is None:
            self._records = {} if self._scanned is None else _scan.scan(self._scanned).records
        return self._records

    def _node(self, path: Path, rec: Rec) -> Node:
        node = self._nodes.get(path)
        if node is None:
            kind, ks, ke, vs, ve, hs, he = rec
            node = Node(
                path,
                kind,
                Span(ks, ke) if ks >= 0 else None,
                Span(vs, ve) if vs >= 0 else None,
                Span(hs, he) if hs >= 0 else None,
            )
            self._nodes[path] = node
        return node

    def node(self, path: Path) -> Node | None:
        path = tuple(path)
        rec = self._recs.get(path)
        return None if rec is None else self._node(path, rec)

    def nodes(self) -> Iterable[Node]:
        """All nodes in document order."""
        return [self._node(path, rec) for path, rec in self._recs.items()]

    def nearest(self, path: Path) -> Node | None:
        """The node for the longest prefix of path that has one."""
        path = tuple(path)
        records = self._recs
        for size in range(len(path), 0, -1):
            rec = records.get(path[:size])
            if rec is not None:
                return self._node(path[:size], rec)
        return None

    def children(self, path: Path) -> list[Node]:
        """Direct child nodes of path, in document order."""
        records = self._recs
        if self._children is None:
            index: dict[Path, list[Path]] = {}
            for child in records:
                index.setdefault(child[:-1], []).append(child)
            self._children = index
        paths = self._children.get(tuple(path), [])
        return [self._node(child, records[child]) for child in paths]

    # -- positions ---------------------------------------------------------------------

    def _starts(self) -> list[int]:
        if self._line_starts is None:
            self._line_starts = _line_starts(self.text)
        return self._line_starts

    @property
    def line_count(self) -> int:
        return len(self._starts())

    def position(self, offset: int) -> tuple[int, int]:
        """0-based (line, column) of a code-point offset; lines end at "\\n" only."""
        offset = min(max(offset, 0), len(self.text))
        starts = self._starts()
        line = bisect_right(starts, offset) - 1
        return line, offset - starts[line]

    def offset(self, line: int, column: int) -> int:
        """Inverse of position(), clamped to the document."""
        # A column past the end clamps to the line's "\n", not before a "\r": position()
        # counts that "\r" as part of the line, and this stays its exact inverse.
        starts = self._starts()
        if line < 0:
            return 0
        if line >= len(starts):
            return len(self.text)
        line_end = starts[line + 1] - 1 if line + 1 < len(starts) else len(self.text)
        return starts[line] + min(max(column, 0), line_end - starts[line])

    def line_text(self, line: int) -> str:
        """The text of a line without its "\\r\\n" / "\\n" ("" past the end)."""
        starts = self._starts()
        if not 0 <= line < len(starts):
            return ""
        if line + 1 < len(starts):
            text = self.text[starts[line] : starts[line + 1] - 1]
            return text[:-1] if text.endswith("\r") else text
        return self.text[starts[line] :]
