"""Syntax recovery: parse with tomllib, blank broken lines until it succeeds, say what was wrong and how to fix it.

Flash rejects a config at its first syntax error; an editor (and ``flash-schema check``) should
still see everything else.  So each tomllib error becomes a ``SyntaxProblem`` with a hint in
TOML terms, the statement at fault is blanked (spaces for its characters, line breaks kept, so
offsets stay offsets into the original text), and tomllib tries again.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left, bisect_right
from itertools import count
from typing import NamedTuple

from flash_schema import _scan, lexer
from flash_schema.spans import Span, SyntaxProblem, line_span, line_starts

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

_ERROR_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*\Z")
_ESCAPED_BYTES = re.compile(r"[\udc80-\udcff]+")  # undecodable bytes, as "surrogateescape" keeps them


class _Recovery:
    """Parses with tomllib, blanking broken lines until it succeeds, and records problems.

    Blanking replaces characters with spaces but keeps every line break, so offsets into
    the working text are offsets into the original text too.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.work = text
        self.starts = line_starts(text)
        self.problems: list[SyntaxProblem] = []
        self._lines_with_problem: set[int] = set()

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def line_content(self, line: int) -> Span:
        return line_span(self.work, self.starts, line)

    def is_blank(self, line: int) -> bool:
        start, end = self.line_content(line)
        return lexer.blank_end(self.work, start, end) == end

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
        new = lexer.BLANKABLE().sub(lambda m: " " * len(m.group()), old)
        self.work = self.work[:start] + new + self.work[end:]
        return new != old

    def parse(self, error: ValueError | RecursionError | None = None) -> tuple[dict[str, object], bool]:
        """Return tomllib's data and whether a parse succeeded (else the data is {}).

        ``error`` is what tomllib already raised on the working text, if the caller tried it: the
        first round starts from it rather than parsing the same text again.
        """
        for round_ in count():
            if error is None:
                try:
                    return tomllib.loads(self.work), True
                except (ValueError, RecursionError) as exc:  # TOMLDecodeError is a ValueError
                    error = exc
            located = self._read_error(error)
            error = None
            if located is None or not self._fail(*located, blank=round_ < _MAX_ROUNDS):
                return {}, False
        raise AssertionError("unreachable")  # pragma: no cover

    def _read_error(self, error: ValueError | RecursionError) -> tuple[str, int] | None:
        """What tomllib's error says and where; ``None`` (the problem recorded) when no blanking can help."""
        if isinstance(error, tomllib.TOMLDecodeError):
            return self._locate(str(error))
        if isinstance(error, RecursionError):
            # Some Python versions' tomllib recurse once per nesting level.
            self.add(SyntaxProblem(_DEEP_MESSAGE, self.span_at(0), _DEEP_HINT))
            return None
        # tomllib lets int()'s 4300-digit limit escape as a bare ValueError.
        long_integer = lexer.LONG_INTEGER().search(self.work)
        if long_integer is None:
            self.add(SyntaxProblem(f"invalid TOML: {error}", self.span_at(0), None))
            return None
        return "integer has more than 4300 digits", long_integer.start()

    def _locate(self, error: str) -> tuple[str, int]:
        """Split tomllib's message into text and an offset (len(work) = end of document)."""
        m = _ERROR_POSITION.search(error)
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
                span = Span(statement, max(statement + 1, lexer.key_end(work, statement)))
            if hint in {_DUPLICATE_HINT, _NAMESPACE_HINT, _INLINE_HINT}:
                # The whole statement is at fault, however many lines it spans.
                last = max(line, end_line)
            elif offset >= n or self.is_blank(line):
                # Unterminated string, array, ...: blank from where it started.
                pass
            elif (
                first < line
                and not work[line_start:offset].strip(" \t")
                and lexer.STATEMENT_LIKE().match(work, line_start)
            ):
                # An unclosed array or inline table swallowed the next statement: drop only
                # the lines of the opener, keeping the statement tomllib stumbled on.
                opened = lexer.open_brackets(work, statement, line_start)
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
            brackets = lexer.open_brackets(work, statement, offset)
            if (
                brackets
                and brackets[-1] == "{"
                and (
                    char in ("", "\n", "\r", "#")
                    or (char == "}" and lexer.TRAILING_COMMA().search(work, statement, offset))
                )
            ):
                return _INLINE_HINT, span
        if work:
            start, end = self.line_content(self.line_of(min(offset, len(work) - 1)))
            for m in lexer.SHORT_TIME().finditer(work, start, end):
                if m.start() - 1 <= offset <= m.end():
                    return _TIME_HINT, span
        if message in {"Illegal character '\\n'", "Found invalid character '\\n'"}:
            # Only strings reject a newline this way (basic and literal strings).
            return _STRING_LINE_HINT, span
        if message == "Invalid value":
            word = lexer.BARE_WORD().match(work, offset)
            if word is not None:
                text = word.group()
                hint = _WORD_HINTS.get(text, f'text values must be quoted, e.g. "{text}"')
                return hint, span
        return None, span


def decode_utf8(raw: bytes) -> tuple[str, list[tuple[int, int]]]:
    """Decode like errors="replace"; also return (offset, first byte) of each bad sequence."""
    escaped = raw.decode("utf-8", "surrogateescape")
    pieces: list[str] = []
    bad: list[tuple[int, int]] = []
    length = 0
    last = 0
    for m in _ESCAPED_BYTES.finditer(escaped):
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


class Recovered(NamedTuple):
    """What recovery made of a text."""

    data: dict[str, object]  # tomllib's data of the text with broken lines blanked ({} if none parsed)
    problems: list[SyntaxProblem]
    parsed: str | None  # the (blanked) text tomllib accepted, None if no text did
    line_starts: list[int]


def recover(text: str, bad_bytes: list[tuple[int, int]], error: ValueError | RecursionError | None = None) -> Recovered:
    """Parse a text tomllib rejects (or that has a BOM, or bytes that were not UTF-8), recovering.

    ``error``: what ``tomllib.loads(text)`` raised, when the caller tried it (a text without a BOM
    or bad bytes); recovery starts from it instead of parsing the text a second time.
    """
    recovery = _Recovery(text)
    if text.startswith("\ufeff"):
        recovery.add(SyntaxProblem(_BOM_MESSAGE, Span(0, 1), _BOM_HINT))
        recovery.work = " " + text[1:]
    for offset, byte in bad_bytes:
        recovery.add(SyntaxProblem(_UTF8_MESSAGE.format(byte), Span(offset, offset + 1), _UTF8_HINT))
        line = recovery.line_of(offset)
        recovery.blank(line, line)
    data, parsed = recovery.parse(error)
    return Recovered(data, recovery.problems, recovery.work if parsed else None, recovery.starts)
