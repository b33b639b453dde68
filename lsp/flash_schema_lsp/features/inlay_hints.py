"""Inlay hints: at each table, the values Flash will use for the keys the file leaves out.

``lora_rank 32 · learning_rate 1e-4 · …`` after a ``[train]`` header (and after the last top-level
key for the top level), under the document's release, algorithm and ``thinking``: what
`flash-schema show` marks ``# default`` and ``# worker default`` (`flash_schema.resolve`). The
tooltip lists them all, one per line, with where each comes from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flash_schema.document import Document, Span
from flash_schema.resolve import SOURCE_WORDS, Value, resolve_data
from flash_schema.schema_index import SchemaIndex
from flash_schema.spans import Path
from flash_schema.toml_text import toml_value

#: A hint lists at most this many keys, and stops before this many characters; "…" says there are more.
MAX_ITEMS = 6
MAX_WIDTH = 72
_SEPARATOR = " · "
_MORE = "…"


@dataclass(frozen=True, slots=True)
class InlayHint:
    """A hint shown at ``offset`` (the end of a header line, or of the last top-level key line)."""

    offset: int
    label: str
    tooltip: str


def compact(value: Any) -> str:
    """A value as the hint shows it: TOML, with small floats in short exponent form (``1e-4``)."""
    if isinstance(value, float) and math.isfinite(value) and value != 0 and abs(value) < 1e-3:
        mantissa, _, exponent = f"{value:e}".partition("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    text = toml_value(value)
    return text if len(text) <= 24 else text[:23] + "…"


def _label(values: list[Value]) -> str:
    parts: list[str] = []
    width = 0
    for i, value in enumerate(values):
        part = f"{value.path[-1]} {compact(value.value)}"
        if i >= MAX_ITEMS or (parts and width + len(_SEPARATOR) + len(part) > MAX_WIDTH):
            parts.append(_MORE)
            break
        parts.append(part)
        width += len(part) + (len(_SEPARATOR) if i else 0)
    return _SEPARATOR.join(parts)


def _tooltip(values: list[Value]) -> str:
    return "\n".join(f"{v.key} = {toml_value(v.value)}  ({SOURCE_WORDS[v.source]})" for v in values)


def _top_level_end(doc: Document) -> int | None:
    """Where the last top-level key's line ends (``None`` when the file has none)."""
    ends = [node.value.end if node.value else node.key.end for node in doc.children(()) if node.key is not None]
    ends = [e for e in ends if not doc.declared_tables() or doc.position(e)[0] < doc.declared_tables()[0][0]]
    if not ends:
        return None
    return doc.line_span(doc.position(max(ends))[0]).end


def inlay_hints(doc: Document, index: SchemaIndex, span: Span | None = None) -> list[InlayHint]:
    """The hints of ``doc`` that fall inside ``span`` (all of them without one)."""
    resolved = resolve_data(doc.data, index=index)
    by_table: dict[Path, list[Value]] = {}
    for value in resolved.filled():
        by_table.setdefault(value.path[:-1], []).append(value)
    places: list[tuple[int, Path]] = []
    top = _top_level_end(doc)
    if top is not None:
        places.append((top, ()))
    seen: set[Path] = set()
    for line, table in doc.declared_tables():
        if table in seen:  # an array of tables: its first header
            continue
        seen.add(table)
        places.append((doc.line_span(line).end, table))
    out = []
    for offset, table in places:
        values = by_table.get(table)
        if not values or (span is not None and not span.start <= offset <= span.end):
            continue
        out.append(InlayHint(offset, _label(values), _tooltip(values)))
    return out
