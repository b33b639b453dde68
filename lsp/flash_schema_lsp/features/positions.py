"""Offsets <-> LSP positions: code-point offsets into Document.text, line/character in UTF-8/16/32.

The core counts in code points and ends lines at "\\n" only (a CRLF line's "\\r" is part of
the line break, never of the line's content), which is what LSP means by a line too; only
the unit of ``character`` differs between the negotiated encodings.
"""

from __future__ import annotations

from typing import Literal, Protocol

Encoding = Literal["utf-8", "utf-16", "utf-32"]

UTF8: Encoding = "utf-8"
UTF16: Encoding = "utf-16"
UTF32: Encoding = "utf-32"


class Lines(Protocol):
    """What the conversions need from a document (``flash_schema.document.Document`` has it)."""

    def position(self, offset: int) -> tuple[int, int]: ...

    def offset(self, line: int, column: int) -> int: ...

    def line_text(self, line: int) -> str: ...


def encoding_of(name: object) -> Encoding:
    """The encoding for an LSP ``PositionEncodingKind`` value (UTF-16 when unknown)."""
    text = str(getattr(name, "value", name)).lower()
    if text in ("utf-8", "utf8"):
        return UTF8
    if text in ("utf-32", "utf32"):
        return UTF32
    return UTF16


def units(text: str, encoding: Encoding) -> int:
    """Length of ``text`` in the encoding's code units."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def column_of(line: str, character: int, encoding: Encoding) -> int:
    """The code-point column of ``character`` units into ``line``, clamped to the line.

    A ``character`` that falls inside a multi-unit character (half a surrogate pair, a byte
    inside a UTF-8 sequence) rounds down to the start of that character.
    """
    if character <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return min(character, len(line))
    if encoding == UTF8:
        raw = line.encode("utf-8", "surrogatepass")
        return len(raw[:character].decode("utf-8", "ignore"))
    raw = line.encode("utf-16-le", "surrogatepass")
    return len(raw[: 2 * character].decode("utf-16-le", "ignore"))


def to_position(doc: Lines, offset: int, encoding: Encoding) -> tuple[int, int]:
    """(line, character) of a code-point offset."""
    line, col = doc.position(offset)
    if encoding == UTF32:
        text = doc.line_text(line)
        return line, min(col, len(text))
    text = doc.line_text(line)
    col = min(col, len(text))  # an offset on a "\r" of "\r\n" is the end of its line
    return line, units(text[:col], encoding)


def to_offset(doc: Lines, line: int, character: int, encoding: Encoding) -> int:
    """Code-point offset of an LSP (line, character); out-of-range values are clamped."""
    if line < 0:
        return 0
    text = doc.line_text(line)
    return doc.offset(line, column_of(text, character, encoding))
