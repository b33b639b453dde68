"""Where things are in a TOML text: the position types every other module shares (it imports only
toml_text, to write a key as TOML does)."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import accumulate
from typing import Any, Literal, NamedTuple

from flash_schema.toml_text import toml_key

__all__ = [
    "Hit",
    "Node",
    "Path",
    "Span",
    "SyntaxProblem",
    "line_span",
    "line_starts",
    "lines",
    "value_at",
    "without_indices",
]

#: A key path into the parsed data: table and key names, and list indices.
Path = tuple[str | int, ...]


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


class Hit(NamedTuple):
    """What an offset of a document is on: a key, a table header's segment, or a value.

    ``path`` is the key path named up to there (a header segment's path has no array index);
    ``node`` is the document's node there when the parsed document has one (not on a line that
    is still being typed while the document does not parse).
    """

    kind: Literal["key", "header", "value"]
    path: Path
    span: Span
    node: Node | None


def without_indices(path: Path) -> Path:
    """The key path without trailing array indices (an element is described by its array)."""
    while path and isinstance(path[-1], int):
        path = path[:-1]
    return path


def value_at(data: object, path: Path) -> tuple[bool, Any]:
    """(found, value) of ``path`` in parsed data: table names into tables, indices into arrays."""
    node: Any = data
    for key in path:
        if isinstance(node, list) and isinstance(key, int):
            if not 0 <= key < len(node):
                return False, None
        elif not (isinstance(node, Mapping) and isinstance(key, str) and key in node):
            return False, None
        node = node[key]
    return True, node


def line_starts(text: str) -> list[int]:
    """Offset of the first character of every line (lines end at "\\n" only)."""
    # C-level iteration only: each line start is the previous one plus len(line) + 1.
    starts = [0, *accumulate(map((1).__add__, map(len, text.split("\n"))))]
    starts.pop()
    return starts


def lines(text: str) -> list[str]:
    """TOML's lines, each with its newline: only ``\n`` ends one (``str.splitlines`` also breaks
    at ``\v``, ``\f``, U+2028..., which TOML allows inside a comment or a string)."""
    out = [line + "\n" for line in text.split("\n")]
    out[-1] = out[-1][:-1]
    return out if out[-1] else out[:-1]


def line_span(text: str, starts: list[int], line: int) -> Span:
    """Where a line's text is, without its "\\r\\n" / "\\n" (empty at the end of text past the last line).

    ``starts`` is ``line_starts(text)`` (or that of a text with the same line breaks).
    """
    if not 0 <= line < len(starts):
        return Span(len(text), len(text))
    start = starts[line]
    if line + 1 == len(starts):
        return Span(start, len(text))
    end = starts[line + 1] - 1
    return Span(start, end - 1 if end > start and text[end - 1] == "\r" else end)


def format_path(path: Path) -> str:
    """``("train", "lora_rank")`` -> ``train.lora_rank``; list indices as ``[0]``; a key that is
    not bare is written as TOML writes it (``toml_text.toml_key``: quotes, escapes)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            seg = toml_key(part)
            out = f"{out}.{seg}" if out else seg
    return out
