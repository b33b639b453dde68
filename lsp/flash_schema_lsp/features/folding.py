"""Folding ranges: each table, each multi-line array or string, each run of comment lines.

Lines only (what every client can fold): a table folds from its header to its last non-blank
line; an array or string from its first line to the line before its closing bracket or quotes
when those start a line (so the closing line stays in view), else to the closing line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flash_schema.document import Document


@dataclass(frozen=True, slots=True)
class Fold:
    """Lines ``start`` to ``end`` (0-based, inclusive) fold; ``kind`` is "comment" or None (a region)."""

    start: int
    end: int
    kind: Literal["comment"] | None = None


def _last_content_line(doc: Document, start: int, stop: int) -> int:
    """The last line before ``stop`` (exclusive) that is not blank, at or after ``start``."""
    line = stop - 1
    while line > start and not doc.line_text(line).strip():
        line -= 1
    return line


def _comments(doc: Document) -> list[Fold]:
    out = []
    run_start = None
    for line in range(doc.line_count + 1):
        text = doc.line_text(line).lstrip() if line < doc.line_count else ""
        is_comment = text.startswith("#") and not text.startswith("#:")
        if is_comment and run_start is None:
            run_start = line
        elif not is_comment and run_start is not None:
            if line - 1 > run_start:
                out.append(Fold(run_start, line - 1, "comment"))
            run_start = None
    return out


def folding_ranges(doc: Document) -> list[Fold]:
    """Every fold of ``doc``, in document order."""
    out: list[Fold] = []
    headers = [line for line, _ in doc.declared_tables()]
    for i, line in enumerate(headers):
        stop = headers[i + 1] if i + 1 < len(headers) else doc.line_count
        end = _last_content_line(doc, line, stop)
        if end > line:
            out.append(Fold(line, end))
    for node in doc.nodes():
        if node.value is None or node.kind not in ("array", "value"):
            continue
        first, _ = doc.position(node.value.start)
        last, column = doc.position(node.value.end - 1)
        if last <= first:
            continue
        closing_starts_line = not doc.line_text(last)[:column].strip()
        end = last - 1 if closing_starts_line else last
        if end > first:
            out.append(Fold(first, end))
    out += _comments(doc)
    return sorted(out, key=lambda f: (f.start, -f.end))
